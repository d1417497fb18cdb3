"""Ratings: the signed link, one first rating and one follow-up, reasons for bad reviews, anonymity."""

import json

import pytest
from django.test import Client

from onewindow.core.access import Role
from onewindow.feedback.links import rating_url
from onewindow.feedback.models import Rating, Rectification

pytestmark = pytest.mark.django_db


def _rate(client: Client, url: str, **data) -> object:
    return client.post(url, data)


def test_pad_link_opens_the_rating_page_with_five_levels(make_ticket) -> None:
    ticket = make_ticket()
    url = rating_url(target_kind="ticket", target_id=ticket.pk, channel="4")
    assert url.startswith("/feedback/rate/")
    page = Client().get(url)
    assert page.status_code == 200
    html = page.content.decode()
    for label in ("非常满意", "满意", "基本满意", "不满意", "非常不满意"):
        assert label in html
    assert "115" in html and "服务态度差效率低" in html
    assert "3号综合窗口" in html


def test_rating_is_attributed_to_the_hall_counter_and_clerk_that_served(make_ticket) -> None:
    ticket = make_ticket()
    url = rating_url(target_kind="ticket", target_id=ticket.pk, channel="4")
    response = Client().post(url, {"level": "very_satisfied", "reasons": ["517"], "identity": "anonymous"})
    assert response.status_code == 200
    assert "感谢您的评价" in response.content.decode()
    rating = Rating.objects.get()
    assert (rating.channel, rating.clerk_id, rating.hall_id, rating.counter_id, rating.sequence) == (
        "4", ticket.clerk_id, ticket.hall_id, ticket.counter_id, 1)
    assert rating.reasons == ["517"]
    assert list(rating.events.values_list("action", flat=True)) == ["rated"]


def test_case_rating_takes_department_and_item_from_the_case(make_case) -> None:
    case = make_case(enterprise=True)
    url = rating_url(target_kind="case", target_id=case.pk, channel="3")
    Client().post(url, {"level": "satisfied", "identity": "anonymous"})
    rating = Rating.objects.get()
    assert (rating.department_id, rating.item_id, rating.target_number, rating.user_prop) == (
        case.department_id, case.item_id, case.number, "2")


def test_second_rating_is_a_follow_up_and_a_third_is_refused(make_ticket) -> None:
    ticket = make_ticket()
    url = rating_url(target_kind="ticket", target_id=ticket.pk, channel="3")
    token = url.split("/")[-2]
    client = Client()
    api = "/api/v1/feedback/ratings"
    first = client.post(api, {"token": token, "level": "satisfied"}, content_type="application/json")
    assert first.status_code == 201 and first.json()["sequence"] == 1
    second = client.post(api, {"token": token, "level": "very_satisfied"}, content_type="application/json")
    assert second.status_code == 201 and second.json()["sequence"] == 2
    third = client.post(api, {"token": token, "level": "basic"}, content_type="application/json")
    assert third.status_code == 409
    assert "只能评价一次、追评一次" in third.json()["detail"]
    page = client.post(url, {"level": "basic", "identity": "anonymous"})
    assert page.status_code == 409
    assert Rating.objects.count() == 2
    assert list(Rating.objects.order_by("sequence").values_list("sequence", flat=True)) == [1, 2]


def test_tampered_token_is_refused(make_ticket) -> None:
    mine, other = make_ticket(), make_ticket()
    token = rating_url(target_kind="ticket", target_id=mine.pk, channel="4").split("/")[-2]
    # swap the id inside the signed payload for someone else's ticket: the signature no longer matches
    from django.core import signing

    forged_payload = signing.dumps(["ticket", other.pk, "4"], salt="not-the-salt", compress=True)
    for forged in (token[:-2] + ("aa" if token[-2:] != "aa" else "bb"), forged_payload,
                   token.replace(token.split(":")[0], forged_payload.split(":")[0])):
        assert Client().get(f"/feedback/rate/{forged}/").status_code == 404
        response = Client().post("/api/v1/feedback/ratings", {"token": forged, "level": "satisfied"},
                                 content_type="application/json")
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == "token"
    assert Rating.objects.count() == 0


def test_bad_review_needs_a_reason_of_its_own_level(make_ticket) -> None:
    ticket = make_ticket()
    url = rating_url(target_kind="ticket", target_id=ticket.pk, channel="4")
    token = url.split("/")[-2]
    api = "/api/v1/feedback/ratings"
    no_reason = Client().post(api, {"token": token, "level": "dissatisfied"}, content_type="application/json")
    assert no_reason.status_code == 400
    assert no_reason.json()["errors"][0]["field"] == "reasons"
    wrong_level = Client().post(api, {"token": token, "level": "dissatisfied", "reasons": ["115"]},
                                content_type="application/json")
    assert wrong_level.status_code == 400
    page = Client().post(url, {"level": "very_dissatisfied", "identity": "anonymous"})
    assert page.status_code == 400
    assert "须至少选择一项评价内容" in page.content.decode()
    assert Rating.objects.count() == 0
    ok = Client().post(api, {"token": token, "level": "dissatisfied", "reasons": ["214"], "text": "态度生硬"},
                       content_type="application/json")
    assert ok.status_code == 201 and ok.json()["rectification_opened"] is True
    assert Rectification.objects.get().state == "pending"


def test_unfinished_service_cannot_be_rated(make_ticket) -> None:
    ticket = make_ticket(finished=False)
    token = rating_url(target_kind="ticket", target_id=ticket.pk, channel="4").split("/")[-2]
    response = Client().post("/api/v1/feedback/ratings", {"token": token, "level": "satisfied"},
                             content_type="application/json")
    assert response.status_code == 409


def test_anonymous_rater_is_hidden_from_staff_in_pages_api_and_exports(make_ticket, client_for, dept) -> None:
    ticket = make_ticket()
    url = rating_url(target_kind="ticket", target_id=ticket.pk, channel="4")
    # the citizen types a name but then chooses anonymous: nothing of it is kept
    Client().post(url, {"level": "very_dissatisfied", "reasons": ["115"], "identity": "anonymous",
                        "rater_name": "王秘密", "rater_phone": "13900001234"})
    named_ticket = make_ticket()
    Client().post(rating_url(target_kind="ticket", target_id=named_ticket.pk, channel="4"),
                  {"level": "satisfied", "identity": "named", "rater_name": "李公开", "rater_phone": "13900005678"})
    anon = Rating.objects.get(anonymous=True)
    assert (anon.rater_id, anon.rater_name, anon.rater_phone) == (None, "", "")
    supervisor = client_for(Role.SUPERVISOR)
    listing = supervisor.get("/api/v1/feedback/ratings").json()
    by_id = {r["id"]: r for r in listing}
    assert by_id[anon.pk]["rater"] is None and by_id[anon.pk]["anonymous"] is True
    assert "王秘密" not in json.dumps(listing, ensure_ascii=False)
    assert "13900001234" not in json.dumps(listing, ensure_ascii=False)
    for path in ("/feedback/ratings/", "/feedback/rectifications/", f"/feedback/rectifications/{anon.rectification.pk}/",
                 "/feedback/stats/"):
        html = supervisor.get(path).content.decode()
        assert "王秘密" not in html and "13900001234" not in html and "139****1234" not in html
    export = b"".join(supervisor.get("/api/v1/feedback/ratings/provincial.jsonl").streaming_content).decode()
    records = [json.loads(line) for line in export.splitlines()]
    anon_record = next(r for r in records if r["anonymityFlag"] == 1)
    assert anon_record["userName"] == "" and "王秘密" not in export
    assert next(r for r in records if r["anonymityFlag"] == 2)["userName"] == "李公开"
    excel = supervisor.get("/feedback/ratings/export.xlsx")
    assert excel.status_code == 200 and excel.content[:2] == b"PK"


def test_counter_pad_takes_only_the_first_rating_and_the_qr_code_the_follow_up(make_ticket) -> None:
    ticket = make_ticket()
    pad = rating_url(target_kind="ticket", target_id=ticket.pk, channel="4")
    assert Client().post(pad, {"level": "satisfied", "identity": "anonymous"}).status_code == 200
    again = Client().get(pad).content.decode()
    assert "如需追评，请扫描回执上的二维码" in again and "提交评价" not in again
    assert Client().post(pad, {"level": "very_satisfied", "identity": "anonymous"}).status_code == 409
    qr = rating_url(target_kind="ticket", target_id=ticket.pk, channel="3")
    assert "提交追评" in Client().get(qr).content.decode()
    assert Client().post(qr, {"level": "very_satisfied", "identity": "anonymous"}).status_code == 200
    assert list(Rating.objects.order_by("sequence").values_list("sequence", "channel")) == [(1, "4"), (2, "3")]
