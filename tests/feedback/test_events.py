"""Every rectification and suggestion step goes through core.events.transition(): one event row naming who took it
and why, the audit entry, and the shared 409 wording (nothing changed) when the state does not allow the step. A
citizen's rating is recorded in its own event rows and never in the audit log, which would keep the address of
an anonymous rater next to their rating."""

import pytest
from django.test import Client

from onewindow.core.access import Role
from onewindow.core.audit import AuditEntry
from onewindow.feedback.links import rating_url
from onewindow.feedback.models import Rectification, RectificationEvent, Suggestion, SuggestionEvent

pytestmark = pytest.mark.django_db

RECT = "/api/v1/feedback/rectifications"
SUGG = "/api/v1/feedback/suggestions"


def _bad_review(make_case, **client_kwargs) -> Rectification:
    case = make_case()
    url = rating_url(target_kind="case", target_id=case.pk, channel="3")
    response = Client(**client_kwargs).post(url, {"level": "dissatisfied", "reasons": ["213"], "identity": "anonymous"})
    assert response.status_code == 200
    return Rectification.objects.get()


def test_each_rectification_step_is_one_event_naming_who_took_it_and_an_audit_entry(make_case, make_user, dept) -> None:
    rec = _bad_review(make_case)
    head = Client()
    head.force_login(make_user("wu_head", Role.DEPARTMENT_HEAD, department=dept, display_name="吴国栋"))
    for action, body in (("verify", {"note": "调取录像核实属实"}),
                         ("dispose", {"disposition": "fix_now", "measures": "业务培训"}),
                         ("callback", {"method": "anonymous", "outcome": "结果已公示"}),
                         ("close", {"note": "整改到位"})):
        assert head.post(f"{RECT}/{rec.pk}/{action}", body, content_type="application/json").status_code == 200
    rows = list(RectificationEvent.objects.filter(rectification=rec).values_list(
        "action", "from_status", "to_status", "actor_label", "reason"))
    assert rows == [("opened", "", "pending", "", "213"),
                    ("verify_valid", "pending", "valid", "吴国栋", "调取录像核实属实"),
                    ("fix_now", "valid", "rectified", "吴国栋", "业务培训"),
                    ("callback", "rectified", "called_back", "吴国栋", "结果已公示"),
                    ("close", "called_back", "closed", "吴国栋", "整改到位")]
    audited = list(AuditEntry.objects.filter(target_type="feedback.rectification", target_id=str(rec.pk))
                   .order_by("id").values_list("action", flat=True))
    assert audited == ["rectification.verify_valid", "rectification.fix_now", "rectification.callback",
                       "rectification.close"]
    page = head.get(f"/feedback/rectifications/{rec.pk}/").content.decode()
    assert "吴国栋" in page and "调取录像核实属实" in page


def test_a_step_the_state_does_not_allow_is_refused_in_the_shared_wording_and_changes_nothing(make_case,
                                                                                              client_for, dept) -> None:
    rec = _bad_review(make_case)
    head = client_for(Role.DEPARTMENT_HEAD, department=dept)
    refused = head.post(f"{RECT}/{rec.pk}/close", {}, content_type="application/json")
    assert refused.status_code == 409
    assert "当前状态为「待核实」，不能办结" in refused.json()["detail"]
    assert refused.json()["errors"][0]["field"] == "state"
    rec.refresh_from_db()
    assert rec.state == "pending" and rec.events.count() == 1


def test_a_rating_leaves_no_audit_entry_that_could_name_its_anonymous_rater(make_case) -> None:
    rec = _bad_review(make_case, REMOTE_ADDR="198.51.100.23")
    assert rec.rating.events.get().action == "rated"
    assert not AuditEntry.objects.filter(ip="198.51.100.23").exists()
    assert not AuditEntry.objects.filter(target_type__in=["feedback.rating", "feedback.rectification"]).exists()


def test_each_suggestion_step_is_an_event_with_its_reason_and_an_audit_entry(categories, dept, make_user) -> None:
    number = Client().post(SUGG, {"category": "hall-env", "description": "座椅不舒服", "phone": "13812345678"},
                           content_type="application/json").json()["number"]
    s = Suggestion.objects.get(number=number)
    head = Client()
    head.force_login(make_user("wu_head", Role.DEPARTMENT_HEAD, department=dept, display_name="吴国栋"))
    assert head.post(f"{SUGG}/{s.pk}/answer", {"disposition": "fix_now", "text": "已更换座椅"},
                     content_type="application/json").status_code == 200
    assert head.post(f"{SUGG}/{s.pk}/close", {"note": "回访满意"}, content_type="application/json").status_code == 200
    rows = list(SuggestionEvent.objects.filter(suggestion=s).values_list(
        "action", "from_status", "to_status", "actor_label", "reason", "data"))
    assert rows == [("received", "", "assigned", "", "", {"channel": "web"}),
                    ("routed", "assigned", "assigned", "", dept.name, {"department_id": dept.pk}),
                    ("answered", "assigned", "answered", "吴国栋", "已更换座椅", {"disposition": "fix_now"}),
                    ("closed", "answered", "closed", "吴国栋", "回访满意", {})]
    audited = set(AuditEntry.objects.filter(target_type="feedback.suggestion", target_id=str(s.pk))
                  .values_list("action", flat=True))
    assert {"suggestion.answered", "suggestion.closed"} <= audited
    refused = head.post(f"{SUGG}/{s.pk}/complete", {"text": "x"}, content_type="application/json")
    assert refused.status_code == 409 and "当前状态为「已办结」" in refused.json()["detail"]
