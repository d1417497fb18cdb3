"""Citizen voice: what Open311 publishes, masking, idempotency keys scoped to their submitter, control
characters, and staff not scoring with what they filed themselves.

Regression tests for holes reproduced on the demo: Open311 listed every suggestion from every channel with the
reporter's details, a suggestion sent with another person's idempotency key returned that person's record,
and a vertical tab in a description made the Open311 XML unreadable."""

import datetime as dt
import json
from xml.etree import ElementTree as ET

import pytest
from django.test import Client

from onewindow.core import clock
from onewindow.core.access import Role
from onewindow.core.audit import AuditEntry
from onewindow.feedback.models import Suggestion

pytestmark = pytest.mark.django_db

API = "/api/v1/feedback/suggestions"
O311 = "/open311/v2"
PRIVATE = "我是林晓梅，身份证350206199001011234，电话13812345678，窗口人员态度很差"


def _submit(client: Client, headers: dict | None = None, **data) -> object:
    payload = {"category": "hall-env", "description": "大厅座椅不舒服", "phone": "13812345678"} | data
    return client.post(API, payload, content_type="application/json", headers=headers or {})


def _o311(**data) -> str:
    response = Client().post(f"{O311}/requests.json", {"service_code": "hall-env", "address_string": "湖里区"} | data)
    assert response.status_code == 201, response.content
    return response.json()[0]["service_request_id"]


def _listed(fmt: str = "json") -> list[str]:
    response = Client().get(f"{O311}/requests.{fmt}")
    assert response.status_code == 200
    if fmt == "xml":
        return [e.text for e in ET.fromstring(response.content).iter("service_request_id")]
    return [r["service_request_id"] for r in response.json()]


# ------------------------------------------------------------------ what Open311 publishes


def test_open311_lists_only_its_own_requests_and_those_staff_published(categories, dept, client_for) -> None:
    web = Client().post("/feedback/suggest/", {"category": "hall-env", "description": PRIVATE, "kind": "complaint",
                                               "phone": "13812345678", "citizen_name": "林晓梅"})
    assert web.status_code == 200
    private = Suggestion.objects.get(channel="web")
    api = _submit(Client(), description="办事难停车").json()["number"]
    mine = _o311(description="等候区座椅不舒服")
    assert _listed() == [mine] and _listed("xml") == [mine]
    for number in (private.number, api):
        assert Client().get(f"{O311}/requests/{number}.json").status_code == 404
        assert Client().get(f"{O311}/requests.json", {"service_request_id": number}).json() == []
    # the responsible unit publishes the web complaint: listed, with the personal data masked
    head = client_for(Role.DEPARTMENT_HEAD, department=dept)
    published = head.post(f"{API}/{private.pk}/publish", {"note": "典型问题公开"}, content_type="application/json")
    assert published.status_code == 200
    head.post(f"{API}/{private.pk}/answer", {"disposition": "fix_now", "text": "已联系林晓梅（13812345678）致歉"},
              content_type="application/json")
    [req] = Client().get(f"{O311}/requests/{private.number}.json").json()
    text = json.dumps(req, ensure_ascii=False)
    for secret in ("林晓梅", "13812345678", "350206199001011234"):
        assert secret not in text
    assert "林*梅" in req["description"] and "138****5678" in req["description"]
    assert "350206********1234" in req["description"] and "138****5678" in req["status_notes"]
    xml = Client().get(f"{O311}/requests/{private.number}.xml").content.decode()
    assert "13812345678" not in xml and "林晓梅" not in xml
    # every publication is an event and an audit entry; unpublishing takes it off again
    assert head.post(f"{API}/{private.pk}/unpublish", {}, content_type="application/json").status_code == 200
    assert private.number not in _listed()
    assert list(private.events.filter(action__in=["published", "unpublished"]).values_list("action", flat=True)) == [
        "published", "unpublished"]
    assert AuditEntry.objects.filter(action="feedback.suggestion_publish", target_id=str(private.pk)).exists()
    assert AuditEntry.objects.filter(action="feedback.suggestion_unpublish", target_id=str(private.pk)).exists()


def test_only_the_responsible_unit_or_a_supervisor_publishes(categories, dept, other_dept, client_for) -> None:
    s = Suggestion.objects.get(number=_submit(Client()).json()["number"])
    assert client_for(Role.REVIEWER, department=other_dept).post(
        f"{API}/{s.pk}/publish", {}, content_type="application/json").status_code == 403
    assert client_for(Role.CLERK).post(f"{API}/{s.pk}/publish", {}, content_type="application/json").status_code == 403
    assert Client().post(f"{API}/{s.pk}/publish", {}, content_type="application/json").status_code == 401
    assert s.number not in _listed()
    page = client_for(Role.SUPERVISOR)
    assert page.post(f"/feedback/suggestions/{s.pk}/", {"action": "publish"}).status_code == 302
    assert s.number in _listed()
    again = page.post(f"{API}/{s.pk}/publish", {}, content_type="application/json")
    assert again.status_code == 409


def test_open311_requests_mask_what_the_reporter_typed_about_themselves(categories) -> None:
    number = _o311(description="我叫林晓梅，手机 138-1234-5678，邮箱 lxm@example.com", first_name="晓梅",
                   last_name="林", phone="13812345678", email="lxm@example.com")
    [req] = Client().get(f"{O311}/requests/{number}.json").json()
    text = json.dumps(req, ensure_ascii=False)
    assert "林晓梅" not in text and "138-1234-5678" not in text and "lxm@example.com" not in text
    assert "l***@example.com" in req["description"] and "138****5678" in req["description"]


# ------------------------------------------------------------------ idempotency keys


def test_another_persons_idempotency_key_does_not_return_their_suggestion(categories, client_for) -> None:
    alice, bob = client_for(Role.CITIZEN), client_for(Role.CITIZEN)
    first = _submit(alice, description=PRIVATE, idempotency_key="shared-key-1")
    assert first.status_code == 201
    other = _submit(bob, description="停车位太少", phone="13900001111", idempotency_key="shared-key-1")
    assert other.status_code == 201 and other.json()["number"] != first.json()["number"]
    assert Suggestion.objects.count() == 2
    # the same through the header, and for anonymous callers from different addresses
    header = _submit(bob, description="又一件", headers={"Idempotency-Key": "shared-key-1"})
    assert header.status_code == 409  # bob's own key, a different body
    far = Client(REMOTE_ADDR="203.0.113.9")
    anon = _submit(far, description="匿名反映", idempotency_key="shared-key-1")
    assert anon.status_code == 201 and anon.json()["number"] not in (first.json()["number"], other.json()["number"])


def test_the_same_key_with_a_different_body_is_a_conflict_and_the_same_body_a_replay(categories) -> None:
    client = Client()
    a = _submit(client, idempotency_key="k-2")
    assert _submit(client, idempotency_key="k-2").json()["number"] == a.json()["number"]
    changed = _submit(client, description="改了内容", idempotency_key="k-2")
    assert changed.status_code == 409 and changed.json()["errors"][0]["field"] == "Idempotency-Key"
    assert Suggestion.objects.count() == 1
    stored = Suggestion.objects.get()
    assert stored.idempotency_scope.startswith("anon:") and len(stored.idempotency_fingerprint) == 64


def test_the_web_form_scopes_its_key_to_the_browser_session(categories) -> None:
    form = {"category": "hall-env", "description": PRIVATE, "phone": "13812345678", "kind": "complaint",
            "idempotency_key": "form-key-1"}
    first = Client().post("/feedback/suggest/", form)
    assert first.status_code == 200
    number = Suggestion.objects.get().number
    stranger = Client().post("/feedback/suggest/", form | {"description": "别人的反映"})
    assert stranger.status_code == 200 and number not in stranger.content.decode()
    assert Suggestion.objects.count() == 2


# ------------------------------------------------------------------ control characters


def test_control_characters_are_stripped_at_input_and_never_break_the_xml(categories, dept, client_for) -> None:
    number = _o311(description="座椅\x0b坏了\x01\x1f，请\r\n维修\t谢谢")
    s = Suggestion.objects.get(number=number)
    assert s.description == "座椅坏了，请\n维修\t谢谢"
    api = Suggestion.objects.get(number=_submit(Client(), description="座椅\x0b太硬\x07", title="标\x0c题").json()["number"])
    assert (api.description, api.title) == ("座椅太硬", "标题")
    head = client_for(Role.DEPARTMENT_HEAD, department=dept)
    head.post(f"{API}/{api.pk}/answer", {"disposition": "fix_now", "text": "已\x0b处理"}, content_type="application/json")
    head.post(f"{API}/{api.pk}/publish", {}, content_type="application/json")
    assert api.replies.get().text == "已处理"
    root = ET.fromstring(Client().get(f"{O311}/requests.xml").content)  # parses: nothing XML 1.0 forbids
    assert {e.text for e in root.iter("service_request_id")} == {number, api.number}


def test_the_open311_xml_writer_drops_what_xml_forbids() -> None:
    from onewindow.feedback.views.open311 import _to_xml

    body = _to_xml("service_requests", [{"description": "a\x0bb\x00c\x1fd\ufffee\tf\ng"}])
    assert ET.fromstring(body).find("request/description").text == "abcde\tf\ng"


def test_control_characters_are_stripped_from_ratings(make_ticket) -> None:
    from onewindow.feedback.links import rating_url
    from onewindow.feedback.models import Rating

    token = rating_url(target_kind="ticket", target_id=make_ticket().pk, channel="2").split("/")[-2]
    Client().post("/api/v1/feedback/ratings", {"token": token, "level": "satisfied", "text": "很好\x0b很快\x1b"},
                  content_type="application/json")
    assert Rating.objects.get().text == "很好很快"


# ------------------------------------------------------------------ staff do not score with their own filings


def test_staff_do_not_answer_or_score_with_what_they_filed_themselves(categories, dept, client_for) -> None:
    with clock.frozen(dt.datetime(2026, 11, 10, 10, 0, tzinfo=dt.UTC)):
        filer = client_for(Role.REVIEWER, department=dept)
        own = _submit(filer, description="表扬本单位窗口", kind="praise", channel="hall_desk")
        s = Suggestion.objects.get(number=own.json()["number"])
        assert s.department_id == dept.pk and s.recorded_by_id == filer.user.pk
        refused = filer.post(f"{API}/{s.pk}/answer", {"disposition": "fix_now", "text": "谢谢"},
                             content_type="application/json")
        assert refused.status_code == 403
        colleague = client_for(Role.REVIEWER, department=dept)
        assert colleague.post(f"{API}/{s.pk}/answer", {"disposition": "fix_now", "text": "谢谢"},
                              content_type="application/json").status_code == 200
        citizen = _submit(Client(), description="座椅坏了")
        assert citizen.status_code == 201
        report = client_for(Role.SUPERVISOR).get("/feedback/suggestions/report/?month=2026-11")
    html = report.content.decode()
    assert report.status_code == 200 and 'data-testid="self-filed"' in html
    assert report.context["r"]["received"] == 1 and report.context["r"]["self_filed"] == 1
