"""Bundle API endpoints, public pages, the notice PDF and the admin preview."""

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from onewindow.bundles.models import Bundle
from onewindow.catalog.models import ItemStatus
from tests.bundles.builders import build_bundle

pytestmark = pytest.mark.django_db


def post_notice(client: Client, code: str, answers: dict) -> tuple[int, dict]:
    response = client.post(f"/api/v1/bundles/{code}/notice", data=json.dumps({"answers": answers}),
                           content_type="application/json")
    return response.status_code, response.json()


def test_api_lists_bundles_filtered_by_audience_and_search(client: Client) -> None:
    build_bundle()
    built = build_bundle(code="T-SHOP")
    Bundle.objects.filter(pk=built.bundle.pk).update(audience="enterprise", name="我要开测试店", aliases="开店")
    build_bundle(code="T-DRAFT")
    Bundle.objects.filter(code="T-DRAFT").update(status=ItemStatus.DRAFT)
    rows = client.get("/api/v1/bundles").json()
    assert {r["code"] for r in rows} == {"T-RETIRE", "T-SHOP"}
    assert [r["code"] for r in client.get("/api/v1/bundles?audience=enterprise").json()] == ["T-SHOP"]
    assert [r["code"] for r in client.get("/api/v1/bundles?q=开店").json()] == ["T-SHOP"]
    shop = next(r for r in rows if r["code"] == "T-SHOP")
    assert shop["before_after"] == {"items": 3, "materials_before": 8, "materials_after": 5, "visits_before": 4,
                                    "visits_after": 1, "days_before": 18, "days_after": 10}


def test_api_list_query_count_does_not_grow_with_bundles(client: Client) -> None:
    build_bundle(code="T-ONE")
    with CaptureQueriesContext(connection) as one:
        client.get("/api/v1/bundles")
    for n in range(4):
        build_bundle(code=f"T-MORE{n}")
    with CaptureQueriesContext(connection) as five:
        assert len(client.get("/api/v1/bundles").json()) == 5
    assert len(five) == len(one)


def test_api_detail_shows_questions_follow_ups_and_before_after(client: Client) -> None:
    build_bundle()
    body = client.get("/api/v1/bundles/T-RETIRE").json()
    questions = {q["key"]: q for q in body["questions"]}
    assert questions["soe_kind"]["shown_when"] == {"question": "is_soe", "option": "yes"}
    yes = next(o for o in questions["is_soe"]["options"] if o["key"] == "yes")
    assert yes["items"] == ["T-RETIRE-C"] and yes["reveals"] == ["soe_kind"]
    assert [i["always"] for i in body["items"]] == [True, True, False]
    assert body["before_after"]["items"] == 3
    assert client.get("/api/v1/bundles/NOPE").status_code == 404


def test_api_notice_returns_items_materials_fields_and_before_after(client: Client) -> None:
    build_bundle()
    status, body = post_notice(client, "T-RETIRE", {"is_soe": "yes", "soe_kind": "local"})
    assert status == 200
    assert [i["code"] for i in body["items"]] == ["T-RETIRE-A", "T-RETIRE-B", "T-RETIRE-C"]
    assert len(body["materials"]) == 5 and body["before_after"]["materials_before"] == 8
    assert [f["key"] for f in body["fields"]] == ["name", "mobile", "level", "soe_name"]
    assert body["answers"] == {"is_soe": ["yes"], "soe_kind": ["local"]}
    assert body["apply_url"] == "/cases/apply/bundle/T-RETIRE/?is_soe=yes&soe_kind=local"


def test_api_notice_errors_name_each_question_in_the_common_shape(client: Client) -> None:
    build_bundle()
    status, body = post_notice(client, "T-RETIRE", {"is_soe": ["no", "yes"], "extras": "z"})
    assert status == 400
    assert set(body) == {"detail", "errors"}
    assert {e["field"] for e in body["errors"]} == {"is_soe", "extras"}
    status, body = post_notice(client, "T-RETIRE", {"is_soe": "no", "soe_kind": "central"})
    assert status == 400 and [e["field"] for e in body["errors"]] == ["soe_kind"]
    status, body = post_notice(client, "NOPE", {})
    assert status == 404 and body["errors"][0]["field"] == "bundle_code"
    response = client.post("/api/v1/bundles/T-RETIRE/notice", data="{", content_type="application/json")
    assert response.status_code in (400, 422)


def test_bundle_list_page_has_tabs_and_search(client: Client) -> None:
    build_bundle()
    page = client.get("/bundles/").content.decode()
    assert "测试退休一件事" in page and "企业办事" in page
    assert "测试退休一件事" not in client.get("/bundles/?audience=enterprise").content.decode()
    assert "测试退休一件事" not in client.get("/bundles/?q=不存在的事").content.decode()


def test_bundle_page_reveals_follow_up_only_after_its_option(client: Client) -> None:
    build_bundle()
    page = client.get("/bundles/T-RETIRE/").content.decode()
    assert 'name="is_soe"' in page and 'name="soe_kind"' not in page
    assert "/cases/apply/bundle/T-RETIRE/" not in page  # not complete yet
    partial = client.get("/bundles/T-RETIRE/?is_soe=yes", headers={"HX-Request": "true"})
    html = partial.content.decode()
    assert 'name="soe_kind"' in html and "<html" not in html
    assert partial.headers["HX-Push-Url"] == "/bundles/T-RETIRE/?is_soe=yes"
    done = client.get("/bundles/T-RETIRE/?is_soe=yes&soe_kind=central").content.decode()
    assert 'href="/cases/apply/bundle/T-RETIRE/?is_soe=yes&amp;soe_kind=central"' in done
    assert "<script>" not in done


def test_notice_page_lists_each_material_once_with_the_items_needing_it(client: Client) -> None:
    build_bundle()
    page = client.get("/bundles/T-RETIRE/notice/?is_soe=yes&soe_kind=local").content.decode()
    assert page.count("T-RETIRE居民身份证") == 1
    assert "测试事项甲、测试事项乙、测试事项丙" in page
    assert "原件 1 份 · 复印件 3 份" in page
    incomplete = client.get("/bundles/T-RETIRE/notice/?is_soe=yes").content.decode()
    assert "请回答：国有企业类型" in incomplete and 'name="soe_kind"' in incomplete


def test_notice_pdf_renders_for_complete_answers_and_redirects_otherwise(client: Client) -> None:
    build_bundle()
    response = client.get("/bundles/T-RETIRE/notice.pdf?is_soe=no")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    response = client.get("/bundles/T-RETIRE/notice.pdf")
    assert response.status_code == 302 and response["Location"].startswith("/bundles/T-RETIRE/notice/")


def test_draft_bundle_is_hidden_from_public_pages_but_previewable_in_admin(client: Client, admin_client: Client) -> None:
    built = build_bundle()
    Bundle.objects.filter(pk=built.bundle.pk).update(status=ItemStatus.DRAFT)
    assert client.get("/bundles/T-RETIRE/").status_code == 404
    page = admin_client.get(f"/admin/bundles/bundle/{built.bundle.pk}/preview/?is_soe=yes&soe_kind=local")
    html = page.content.decode()
    assert page.status_code == 200 and "测试事项丙" in html and 'id="before-after"' in html
    assert "T-RETIRE国有企业证明" in html


def test_admin_bundle_change_page_and_preview_need_staff(admin_client: Client, client: Client) -> None:
    built = build_bundle()
    assert admin_client.get(f"/admin/bundles/bundle/{built.bundle.pk}/change/").status_code == 200
    assert admin_client.get("/admin/bundles/bundle/").status_code == 200
    question = built.bundle.questions.get(key="is_soe")
    assert admin_client.get(f"/admin/bundles/question/{question.pk}/change/").status_code == 200
    option = question.options.get(key="yes")
    assert admin_client.get(f"/admin/bundles/option/{option.pk}/change/").status_code == 200
    assert admin_client.get("/admin/bundles/bundle/add/").status_code == 200
    assert admin_client.get("/admin/bundles/formfield/").status_code == 200
    assert client.get(f"/admin/bundles/bundle/{built.bundle.pk}/preview/").status_code == 302


def test_bundle_page_and_list_query_counts_do_not_grow_with_questions_and_items(client: Client) -> None:
    from onewindow.bundles.models import BundleItem, Option, Question
    from onewindow.catalog.models import ServiceItem

    built = build_bundle()
    url = "/bundles/T-RETIRE/notice/?is_soe=yes&soe_kind=local"
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    with CaptureQueriesContext(connection) as list_before:
        client.get("/bundles/")
    for n in range(5):
        item = ServiceItem.objects.create(name=f"追加事项{n}", code=f"T-X{n}", department=built.a.department)
        BundleItem.objects.create(bundle=built.bundle, item=item, always=True, order=10 + n)
        question = Question.objects.create(bundle=built.bundle, key=f"extra{n}", text=f"追加问题{n}", required=False,
                                           order=10 + n)
        Option.objects.create(question=question, key="a", label="甲").items.add(item)
    with CaptureQueriesContext(connection) as after:
        page = client.get(url).content.decode()
    with CaptureQueriesContext(connection) as list_after:
        client.get("/bundles/")
    assert "追加事项4" in page
    assert len(after) == len(before)
    assert len(list_after) == len(list_before)


def test_bundle_pages_and_pdf_show_the_promise_computed_from_the_chosen_items(client: Client) -> None:
    built = build_bundle()
    built.c.promised_limit = 15  # only state-owned enterprises need it, and it is the slowest item
    built.c.save()
    plain = client.get("/bundles/T-RETIRE/notice/?is_soe=no").content.decode()
    soe = client.get("/bundles/T-RETIRE/notice/?is_soe=yes&soe_kind=local").content.decode()
    assert "10 个工作日（各部门并联审批）" in plain and "15 个工作日（各部门并联审批）" in soe
    panel = client.get("/bundles/T-RETIRE/?is_soe=yes&soe_kind=local", HTTP_HX_REQUEST="true").content.decode()
    assert "承诺 15 个工作日办结" in panel
    status, body = post_notice(client, "T-RETIRE", {"is_soe": "yes", "soe_kind": "local"})
    assert (body["promised_days"], body["before_after"]["days_after"]) == (15, 15)
    assert client.get("/bundles/T-RETIRE/notice.pdf?is_soe=yes&soe_kind=local").status_code == 200


def test_api_detail_carries_the_english_names_region_launch_and_considered_items(client: Client) -> None:
    import datetime as dt

    built = build_bundle()
    Bundle.objects.filter(pk=built.bundle.pk).update(
        name_en="Retire", region="350981", first_in_city=True, launched_on=dt.date(2020, 7, 1),
        aliases="退休,办退休", aliases_en="retire, pension")
    built.bundle.considered_items.add(built.a)
    built.bundle.questions.filter(key="is_soe").update(text_en="State-owned enterprise?")
    body = client.get("/api/v1/bundles/T-RETIRE").json()
    assert (body["name_en"], body["region"], body["first_in_city"], body["launched_on"]) == (
        "Retire", "350981", True, "2020-07-01")
    assert body["aliases"] == ["退休", "办退休"] and body["aliases_en"] == ["retire", "pension"]
    assert body["considered_items"] == ["T-RETIRE-A"]
    assert next(q for q in body["questions"] if q["key"] == "is_soe")["text_en"] == "State-owned enterprise?"
    assert "parallel_limit" not in body
