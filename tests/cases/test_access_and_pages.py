"""Department scoping, citizens' own applications, masking and audit, and the HTML pages."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onewindow.cases.models import Application, Case, SubmittedMaterial
from onewindow.core.models import AuditEntry

from .conftest import JPEG, PDF, act, case_number, payload, post_multipart, valid_id

pytestmark = pytest.mark.django_db


def test_a_reviewer_of_another_department_gets_404_on_the_case(people, submitted):
    employ = case_number(submitted, "T-EMPLOY")  # department A
    assert people["reviewer_b"].get(f"/api/v1/cases/{employ}").status_code == 404
    assert people["reviewer_b"].get(f"/cases/c/{employ}/").status_code == 404
    assert act(people["reviewer_b"], employ, "accept").status_code == 404
    assert Case.objects.get(number=employ).status == "received"
    assert people["reviewer_a"].get(f"/api/v1/cases/{employ}").status_code == 200
    assert people["reviewer_a"].get(f"/cases/c/{employ}/").status_code == 200


def test_the_worklist_shows_only_the_reviewers_own_department(people, submitted):
    a = [r["number"] for r in people["reviewer_a"].get("/api/v1/worklist").json()["results"]]
    b = [r["number"] for r in people["reviewer_b"].get("/api/v1/worklist").json()["results"]]
    assert set(a) == {case_number(submitted, "T-EMPLOY"), case_number(submitted, "T-INSURE")}
    assert b == [case_number(submitted, "T-MARKET")]
    page = people["reviewer_b"].get("/cases/worklist/").content.decode()
    assert case_number(submitted, "T-MARKET") in page and case_number(submitted, "T-EMPLOY") not in page


def test_the_worklist_masks_id_numbers(people, submitted):
    page = people["reviewer_a"].get("/cases/worklist/").content.decode()
    assert valid_id() not in page and valid_id()[-4:] in page
    rows = people["reviewer_a"].get("/api/v1/worklist").json()["results"]
    assert all(valid_id() not in r["applicant"] for r in rows)


def test_a_citizen_sees_only_their_own_applications(people, submitted):
    number = submitted["number"]
    assert people["citizen"].get(f"/api/v1/applications/{number}").status_code == 200
    assert people["other_citizen"].get(f"/api/v1/applications/{number}").status_code == 404
    assert people["other_citizen"].get(f"/cases/a/{number}/").status_code == 404
    assert number in people["citizen"].get("/cases/mine/").content.decode()
    assert number not in people["other_citizen"].get("/cases/mine/").content.decode()
    # department staff see an application only when one of its cases is theirs
    assert people["reviewer_b"].get(f"/api/v1/applications/{number}").status_code == 200


def test_materials_download_only_for_those_who_may_see_them(people, submitted):
    sm = SubmittedMaterial.objects.get(application__number=submitted["number"], material__code="M-CONTRACT")
    url = f"/cases/m/{sm.pk}/"
    r = people["reviewer_a"].get(url)
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert b"".join(r.streaming_content) == PDF
    assert people["reviewer_b"].get(url).status_code == 404  # market case does not need the contract
    assert people["other_citizen"].get(url).status_code == 404
    assert people["citizen"].get(url).status_code == 200
    assert AuditEntry.objects.filter(action="material.download").count() == 1


def test_a_full_view_of_the_applicant_is_audited(people, submitted):
    employ = case_number(submitted, "T-EMPLOY")
    page = people["reviewer_a"].get(f"/cases/c/{employ}/").content.decode()
    assert valid_id() not in page
    assert not AuditEntry.objects.filter(action="applicant.view_full").exists()
    page = people["reviewer_a"].get(f"/cases/c/{employ}/?full=1").content.decode()
    assert valid_id() in page
    assert AuditEntry.objects.filter(action="applicant.view_full").count() == 1


def test_the_worklist_page_and_api_use_a_fixed_number_of_queries(people, catalog, media, settings):
    # the calendar re-reads its revision row at most once a second; keep that out of the count
    settings.ONEWINDOW = {**settings.ONEWINDOW, "CALENDAR_REVISION_TTL": 3600}

    def count(path: str) -> int:
        """Fewest queries over two requests: a once-a-second housekeeping read (calendar revision) is not a row."""
        counts = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as ctx:
                assert people["reviewer_a"].get(path).status_code == 200
            counts.append(len(ctx.captured_queries))
        return min(counts)

    post_multipart(people["citizen"], payload())
    count("/cases/worklist/")
    small_page, small_api = count("/cases/worklist/"), count("/api/v1/worklist")
    for _ in range(6):
        post_multipart(people["citizen"], payload())
    assert Case.objects.filter(department=catalog.dept_a).count() == 14
    assert count("/cases/worklist/") == small_page
    assert count("/api/v1/worklist") == small_api


def test_worklist_pages_through_results(people, catalog, media):
    for _ in range(3):
        post_multipart(people["citizen"], payload())
    first = people["reviewer_a"].get("/api/v1/worklist?per_page=4").json()
    second = people["reviewer_a"].get("/api/v1/worklist?per_page=4&page=2").json()
    assert first["has_next"] and not second["has_next"]
    assert len(first["results"]) == 4 and len(second["results"]) == 2
    assert not {r["number"] for r in first["results"]} & {r["number"] for r in second["results"]}


def test_public_progress_lookup_needs_the_last_four_phone_digits_and_reveals_nothing_on_mismatch(client, submitted):
    number = submitted["number"]
    r = client.post("/cases/progress/", {"number": number, "last4": "0000"})
    body = r.content.decode()
    assert r.status_code == 200 and "未查询到匹配的申请" in body and "就业登记" not in body
    r = client.post("/cases/progress/", {"number": "SQ19990101-0001", "last4": "1234"})
    assert "未查询到匹配的申请" in r.content.decode()
    r = client.post("/cases/progress/", {"number": number.lower(), "last4": "1234"})
    body = r.content.decode()
    assert "就业登记" in body and "林晓梅" not in body and valid_id() not in body


def test_progress_lookup_takes_a_case_number_too_and_shows_the_timeline_and_working_days_left(client, submitted, people):
    employ = case_number(submitted, "T-EMPLOY")
    accepted = people["clerk"].post(f"/api/v1/applications/{submitted['number']}/accept", "{}",
                                    content_type="application/json")
    assert accepted.status_code == 200, accepted.content
    r = client.post("/cases/progress/", {"number": employ.lower(), "last4": "1234"})
    body = r.content.decode()
    assert r.status_code == 200 and submitted["number"] in body and "就业登记" in body
    timeline = body.split('id="progress-timeline"')[1]
    assert "接件" in timeline and "受理" in timeline and "个工作日" in body
    assert "林晓梅" not in body
    wrong = client.post("/cases/progress/", {"number": employ, "last4": "0000"})
    assert "未查询到匹配的申请" in wrong.content.decode() and 'id="progress-timeline"' not in wrong.content.decode()


def test_progress_lookup_is_rate_limited(client, submitted):
    from django.core.cache import cache

    cache.clear()
    for _ in range(10):
        client.post("/cases/progress/", {"number": submitted["number"], "last4": "9999"})
    r = client.post("/cases/progress/", {"number": submitted["number"], "last4": "1234"})
    assert r.status_code == 429
    cache.clear()


def test_the_citizen_applies_through_the_page_and_gets_a_receipt(people, catalog, media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = "/cases/apply/bundle/T-HIRE/?food=yes"
    page = people["citizen"].get(url)
    assert page.status_code == 200 and "企业招用员工一件事" in page.content.decode()
    data = {"idem": "tok-1", "applicant.kind": "person", "applicant.name": "林晓梅", "applicant.id_number": valid_id(),
            "applicant.phone": "13905931234", "form.employer": "闽东电机", "form.start_date": "2026-03-02",
            "material.M-ID": SimpleUploadedFile("id.jpg", JPEG), "material.M-CONTRACT": SimpleUploadedFile("c.pdf", PDF),
            "material.M-PHOTO": SimpleUploadedFile("p.pdf", PDF)}
    r = people["citizen"].post(url, data)
    assert r.status_code == 302, r.content.decode()[:2000]
    app = Application.objects.get()
    assert r["Location"] == f"/cases/a/{app.number}/"
    receipt = people["citizen"].get(r["Location"]).content.decode()
    assert app.number in receipt and "<svg" in receipt and "就业登记" in receipt
    # double submit of the same form token gives the same application
    data["material.M-ID"] = SimpleUploadedFile("id.jpg", JPEG)
    data["material.M-CONTRACT"] = SimpleUploadedFile("c.pdf", PDF)
    data["material.M-PHOTO"] = SimpleUploadedFile("p.pdf", PDF)
    r = people["citizen"].post(url, data)
    assert r["Location"] == f"/cases/a/{app.number}/" and Application.objects.count() == 1


def test_the_apply_page_shows_errors_next_to_their_fields(people, catalog, media):
    r = people["citizen"].post("/cases/apply/item/T-EMPLOY/", {"idem": "x", "applicant.kind": "person",
                                                              "applicant.name": "林晓梅", "applicant.id_number": "123",
                                                              "applicant.phone": "139"})
    body = r.content.decode()
    assert r.status_code == 400
    assert "身份证" in body and "手机号码应为11位" in body and "请上传「劳动合同」" in body
    assert Application.objects.count() == 0


def test_an_unknown_bundle_answer_on_the_apply_page_explains_and_links_back(people, catalog):
    r = people["citizen"].get("/cases/apply/bundle/T-HIRE/")
    assert r.status_code == 400 and "是否从事食品经营" in r.content.decode()


def test_the_clerk_accepts_at_the_window_and_instant_items_complete_on_the_spot(people, catalog, media):
    clerk = people["clerk"]
    assert "企业招用员工一件事" in clerk.get("/cases/clerk/accept/?q=招用").content.decode()
    url = "/cases/clerk/accept/?kind=bundle&code=T-HIRE&food=no"
    assert "一次性告知" in clerk.get(url).content.decode()
    data = {"idem": "w1", "action": "accept", "applicant.kind": "enterprise", "applicant.name": "福安市闽东电机有限公司",
            "applicant.credit_code": "91350981MA2XXXXX0X", "applicant.legal_representative": "陈志强",
            "applicant.contact_name": "郑丽", "applicant.contact_phone": "13905931234",
            "form.employer": "福安市闽东电机有限公司", "form.start_date": "2026-03-02", "checked": ["M-ID", "M-CONTRACT"]}
    r = clerk.post(url, data)
    assert r.status_code == 400 and "统一社会信用代码校验位错误" in r.content.decode()
    assert not Application.objects.exists()
    from onewindow.core.validators import credit_code_check_char

    code17 = "91350981MA2Y3K7Q1"
    data["applicant.credit_code"] = code17 + credit_code_check_char(code17)
    r = clerk.post(url, data)
    assert r.status_code == 302, r.content.decode()[:3000]
    app = Application.objects.get()
    assert app.channel == "window" and app.ticket_id is None and app.submitted_by == clerk.user
    statuses = dict(app.cases.values_list("item_code", "status"))
    assert statuses == {"T-EMPLOY": "accepted", "T-INSURE": "completed"}
    pdf = clerk.get(f"/cases/a/{app.number}/receipt.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_the_clerk_requests_a_supplement_listing_what_is_missing(people, catalog, media):
    url = "/cases/clerk/accept/?kind=item&code=T-EMPLOY"
    data = {"idem": "w2", "action": "supplement", "applicant.kind": "person", "applicant.name": "林晓梅",
            "applicant.id_number": valid_id(), "applicant.phone": "13905931234", "form.employer": "闽东电机",
            "form.start_date": "2026-03-02", "checked": ["M-ID"]}
    r = people["clerk"].post(url, data)
    assert r.status_code == 302, r.content.decode()[:3000]
    app = Application.objects.get()
    assert list(app.cases.values_list("status", flat=True)) == ["supplement"]
    assert [m["name"] for m in app.supplements.get().missing] == ["劳动合同"]


def test_the_reviewer_decides_on_the_case_page(people, submitted):
    employ = case_number(submitted, "T-EMPLOY")
    reviewer = people["reviewer_a"]
    r = reviewer.post(f"/cases/c/{employ}/act/accept/", {"version": "1"})
    assert r.status_code == 302
    page = reviewer.get(f"/cases/c/{employ}/").content.decode()
    assert "准予" in page and "不予批准" in page
    version = Case.objects.get(number=employ).version
    reviewer.post(f"/cases/c/{employ}/act/approve/", {"version": str(version), "opinion": "同意"})
    # a second click from a stale page is refused
    reviewer.post(f"/cases/c/{employ}/act/approve/", {"version": str(version)})
    case = Case.objects.get(number=employ)
    assert case.status == "approved" and case.events.filter(action="approve").count() == 1
