"""Every case action against every status: legal ones move the case and write exactly one event; illegal ones
answer 409 with a Chinese message and change nothing."""

from __future__ import annotations

import pytest

from onewindow.cases.models import ACTION_LABELS, AutoApprovalRule, Case, CaseEvent, CaseStatus, OutboxMessage
from onewindow.cases.services.lifecycle import terminate_missed_makeups
from onewindow.cases.services.notifications import mark_message

from .conftest import JPEG, PDF, act, case_number, payload, post_multipart

pytestmark = pytest.mark.django_db

ALL = [s.value for s in CaseStatus]

# action → (statuses it is legal from, target status, body)
RULES = {
    "accept": ({"received"}, "accepted", {}),
    "not-accept": ({"received", "supplement"}, "not_accepted", {"reason": "不属于本部门职权范围"}),
    "supplement": ({"received"}, "supplement", {"missing": [{"name": "劳动合同", "note": "须盖单位公章"}]}),
    "supplement-complete": ({"supplement"}, "accepted", {}),
    "start-review": ({"accepted"}, "under_review", {}),
    "special-start": ({"accepted", "under_review"}, "special_procedure", {"kind": "expert", "reason": "需专家评审"}),
    "special-end": ({"special_procedure"}, "under_review", {"result": "评审通过"}),
    "approve": ({"accepted", "under_review"}, "approved", {"opinion": "符合条件"}),
    "deny": ({"accepted", "under_review"}, "denied", {"reason": "不符合申请条件"}),
    "complete": ({"approved"}, "completed", {"result_number": "JY2026000123"}),
    "deliver": ({"completed"}, "delivered", {"method": "post", "tracking_number": "SF1234567890"}),
    "withdraw": ({"received", "supplement", "accepted", "under_review", "special_procedure"}, "withdrawn", {}),
}


def _force(number: str, status: str) -> None:
    """Put a case into a status directly (test setup only), as if earlier steps had happened."""
    extra = {}
    if status in ("accepted", "under_review", "special_procedure", "approved", "completed", "delivered"):
        import datetime as dt

        extra = {"accepted_on": dt.date(2026, 11, 27), "due_date": dt.date(2026, 12, 4)}
    if status == "special_procedure":
        import datetime as dt

        extra["pause_started_on"] = dt.date(2026, 11, 27)
    if status == "delivered":
        extra["delivery_method"] = "pickup"
    Case.objects.filter(number=number).update(status=status, **extra)


@pytest.mark.parametrize("action", list(RULES))
def test_each_action_is_legal_only_from_its_statuses(people, submitted, action):
    legal, target, body = RULES[action]
    number = case_number(submitted, "T-EMPLOY")
    actor = people["citizen"] if action == "withdraw" else people["reviewer_a"]
    for status in ALL:
        _force(number, status)
        before = CaseEvent.objects.filter(case__number=number).count()
        version = Case.objects.get(number=number).version
        r = act(actor, number, action, **body)
        case = Case.objects.get(number=number)
        if status in legal:
            assert r.status_code == 200, (action, status, r.content)
            assert case.status == target
            assert case.version == version + 1
            events = list(CaseEvent.objects.filter(case__number=number).order_by("-id")[:1])
            assert CaseEvent.objects.filter(case__number=number).count() == before + 1
            assert (events[0].from_status, events[0].to_status) == (status, target)
        else:
            assert r.status_code == 409, (action, status, r.content)
            # the refusal names the case, its state and the action (core.events.transition's wording)
            refused = f"{number}当前状态为「{CaseStatus(status).label}」，不能{ACTION_LABELS[action.replace('-', '_')]}"
            assert r.json()["detail"] == refused
            assert r.json()["errors"] == [{"field": "status", "message": refused}]
            assert case.status == status and case.version == version
            assert CaseEvent.objects.filter(case__number=number).count() == before


def test_a_reason_is_required_to_refuse_or_deny(people, submitted):
    number = case_number(submitted, "T-EMPLOY")
    r = act(people["reviewer_a"], number, "not-accept", reason="  ")
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "reason"
    act(people["reviewer_a"], number, "accept")
    r = act(people["reviewer_a"], number, "deny")
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "reason"


def test_delivery_needs_a_tracking_number_by_post_and_makes_a_pickup_code_for_the_locker(people, submitted):
    number = case_number(submitted, "T-EMPLOY")
    for action, body in (("accept", {}), ("approve", {}), ("complete", {"result_number": "JY-1"})):
        assert act(people["reviewer_a"], number, action, **body).status_code == 200
    r = act(people["reviewer_a"], number, "deliver", method="post")
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "tracking_number"
    r = act(people["reviewer_a"], number, "deliver", method="locker")
    assert r.status_code == 200
    case = Case.objects.get(number=number)
    assert case.delivery_method == "locker" and len(case.delivery_ref) == 6 and case.delivery_ref.isdigit()


def test_instant_items_are_completed_at_the_window_on_acceptance(people, submitted):
    r = people["clerk"].post(f"/api/v1/applications/{submitted['number']}/accept", "{}", content_type="application/json")
    assert r.status_code == 200, r.content
    insure = Case.objects.get(number=case_number(submitted, "T-INSURE"))
    assert insure.status == "completed" and insure.result_number
    actions = list(CaseEvent.objects.filter(case=insure).order_by("id").values_list("action", flat=True))
    assert actions == ["receive", "accept", "approve", "complete"]
    employ = Case.objects.get(number=case_number(submitted, "T-EMPLOY"))
    assert employ.status == "accepted" and employ.due_date is not None
    # one acceptance SMS for the whole application
    assert OutboxMessage.objects.filter(kind="accepted", application__number=submitted["number"]).count() == 1


def test_an_item_with_a_matching_auto_approval_rule_is_approved_by_the_system(people, submitted):
    AutoApprovalRule.objects.create(item_code="T-EMPLOY", rule={"all": [
        {"answer": "food", "in": ["yes"]}, {"field": "employer", "equals": "福安市闽东电机有限公司"},
        {"material": "M-CONTRACT"}]})
    number = case_number(submitted, "T-EMPLOY")
    assert act(people["reviewer_a"], number, "accept").status_code == 200
    case = Case.objects.get(number=number)
    assert case.status == "completed" and case.decided_by_system and case.decided_by is None
    approve = CaseEvent.objects.get(case=case, action="approve")
    assert approve.actor is None and approve.actor_label == ""  # the system: no person
    assert approve.reason == "符合秒批规则，系统自动审批" and approve.data == {"auto_rule": approve.data["auto_rule"]}
    history = people["reviewer_a"].get(f"/cases/c/{number}/").content.decode()
    assert "<td>系统</td>" in history  # shown as the system on the case page


def test_an_auto_approval_rule_that_does_not_match_leaves_the_case_to_the_reviewer(people, submitted):
    AutoApprovalRule.objects.create(item_code="T-EMPLOY", rule={"all": [{"field": "employer", "equals": "别的公司"}]})
    number = case_number(submitted, "T-EMPLOY")
    act(people["reviewer_a"], number, "accept")
    assert Case.objects.get(number=number).status == "accepted"


def test_the_application_completes_when_all_its_cases_are_done(people, submitted):
    number_app = submitted["number"]
    people["clerk"].post(f"/api/v1/applications/{number_app}/accept", "{}", content_type="application/json")
    employ = case_number(submitted, "T-EMPLOY")
    market = case_number(submitted, "T-MARKET")
    act(people["reviewer_a"], employ, "approve")
    act(people["reviewer_a"], employ, "complete", result_number="JY-1")
    r = people["citizen"].get(f"/api/v1/applications/{number_app}")
    assert r.json()["status"] == "in_progress"
    assert "/feedback/rate/" not in people["citizen"].get(f"/cases/a/{number_app}/").content.decode()
    assert not OutboxMessage.objects.filter(kind="completed").exists()
    act(people["reviewer_b"], market, "deny", reason="经营场所不符合要求")
    r = people["citizen"].get(f"/api/v1/applications/{number_app}")
    assert r.json()["status"] == "completed"
    assert OutboxMessage.objects.filter(kind="completed", application__number=number_app).count() == 1
    # the citizen's page now offers the (signed) rating link
    assert "/feedback/rate/" in people["citizen"].get(f"/cases/a/{number_app}/").content.decode()


def test_supplement_lists_everything_once_and_the_clock_starts_when_it_is_complete(people, catalog, media):
    import datetime as dt

    from onewindow.core import clock

    with clock.frozen(dt.datetime(2026, 3, 2, 10)):
        r = post_multipart(people["clerk"], payload(channel="window", answers={"food": "no"}),
                           files={"M-ID": ("id.jpg", JPEG), "M-CONTRACT": ("c.pdf", PDF)})
        app = r.json()
        r = people["clerk"].post(f"/api/v1/applications/{app['number']}/supplement",
                                 '{"missing": [{"name": "劳动合同", "note": "缺第3页"}, "身份证复印件"]}',
                                 content_type="application/json")
        assert r.status_code == 200, r.content
        assert {c["status"] for c in r.json()["cases"]} == {"supplement"}
        assert OutboxMessage.objects.filter(kind="supplement").count() == 1
    with clock.frozen(dt.datetime(2026, 3, 9, 10)):
        number = case_number(app, "T-EMPLOY")
        assert act(people["reviewer_a"], number, "supplement-complete").status_code == 200
    case = Case.objects.get(number=number)
    assert case.accepted_on == dt.date(2026, 3, 9)
    assert case.due_date == dt.date(2026, 3, 16)  # 5 working days after Monday 9 March


def test_deferral_acceptance_sets_a_make_up_deadline_and_a_missed_one_terminates_the_case(people, catalog, media):
    import datetime as dt

    from onewindow.core import clock

    files = {"M-ID": ("id.jpg", JPEG), "M-CONTRACT": ("c.pdf", PDF)}
    with clock.frozen(dt.datetime(2026, 3, 2, 10)):
        app = post_multipart(people["citizen"], payload(deferral_promise=True), files=files).json()
        number = case_number(app, "T-MARKET")
        r = act(people["reviewer_b"], number, "accept-deferral", makeup_days=9)
        assert r.status_code == 400 and r.json()["errors"][0]["field"] == "makeup_days"  # must be ≥2 shorter than 10
        r = act(people["reviewer_b"], number, "accept-deferral", makeup_days=5)
        assert r.status_code == 200, r.content
    case = Case.objects.get(number=number)
    assert case.status == "accepted" and case.makeup_due == dt.date(2026, 3, 9)
    assert terminate_missed_makeups(today=dt.date(2026, 3, 9)) == 0
    with clock.frozen(dt.datetime(2026, 3, 10, 8)):
        assert terminate_missed_makeups() == 1
    case.refresh_from_db()
    assert case.status == "terminated"
    assert CaseEvent.objects.get(case=case, action="terminate").actor is None


def test_deferral_make_up_in_time_keeps_the_case(people, catalog, media):
    files = {"M-ID": ("id.jpg", JPEG), "M-CONTRACT": ("c.pdf", PDF)}
    app = post_multipart(people["citizen"], payload(deferral_promise=True), files=files).json()
    number = case_number(app, "T-MARKET")
    assert act(people["reviewer_b"], number, "accept").status_code == 200  # default make-up: min(20, 10-2)=8 days
    assert Case.objects.get(number=number).makeup_due is not None
    assert act(people["reviewer_b"], number, "makeup-complete").status_code == 200
    case = Case.objects.get(number=number)
    assert case.makeup_due is None and case.deferred_materials == []
    import datetime as dt

    assert terminate_missed_makeups(today=dt.date(2027, 6, 1)) == 0


def test_a_stale_version_is_refused(people, submitted):
    number = case_number(submitted, "T-EMPLOY")
    r = act(people["reviewer_a"], number, "accept", version=99)
    assert r.status_code == 409
    assert Case.objects.get(number=number).status == "received"


def test_notifications_are_sent_by_the_task_through_the_logging_sender_with_a_masked_phone(people, submitted, caplog):
    import logging

    people["clerk"].post(f"/api/v1/applications/{submitted['number']}/accept", "{}", content_type="application/json")
    msg = OutboxMessage.objects.get(kind="accepted")
    assert msg.status == "pending" and msg.recipient_phone == "13905931234"
    with caplog.at_level(logging.INFO, logger="onewindow.sms"):
        assert mark_message(message_id=msg.pk) == "sent"
    msg.refresh_from_db()
    assert msg.status == "sent" and msg.attempts == 1 and msg.sent_at is not None
    assert "13905931234" not in caplog.text and "1234" in caplog.text


def test_a_failing_sender_leaves_the_message_pending_for_a_retry(people, submitted, settings):
    settings.ONEWINDOW = {**settings.ONEWINDOW, "SMS_SENDER": "tests.cases.test_transitions.broken_sender"}
    people["clerk"].post(f"/api/v1/applications/{submitted['number']}/accept", "{}", content_type="application/json")
    msg = OutboxMessage.objects.get(kind="accepted")
    assert mark_message(message_id=msg.pk) == "pending"
    msg.refresh_from_db()
    assert msg.attempts == 1 and "gateway down" in msg.last_error


def test_a_message_is_handed_to_the_send_task_only_once_the_act_commits(people, submitted,
                                                                        django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        people["clerk"].post(f"/api/v1/applications/{submitted['number']}/accept", "{}",
                             content_type="application/json")
    msg = OutboxMessage.objects.get(kind="accepted")
    assert not DBTaskResult.objects.exists()  # nothing is queued before the acceptance commits
    for callback in callbacks:
        callback()
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "onewindow.cases.services.notifications.send_outbox_message"
    assert queued.args_kwargs["args"] == [msg.pk]


def test_every_event_of_an_application_carries_its_number_and_every_move_is_audited(people, submitted):
    from onewindow.core.audit import AuditEntry

    people["clerk"].post(f"/api/v1/applications/{submitted['number']}/accept", "{}", content_type="application/json")
    employ = case_number(submitted, "T-EMPLOY")
    act(people["reviewer_a"], employ, "approve", opinion="同意")
    events = CaseEvent.objects.filter(case__application__number=submitted["number"])
    assert events.count() == 3 + 3 + 2 + 1  # receive ×3; accept ×3; the instant item's approve, complete; approve
    assert set(events.values_list("correlation", flat=True)) == {submitted["number"]}
    approve = AuditEntry.objects.get(action="case.approve", target_id=str(Case.objects.get(number=employ).pk))
    assert approve.detail == {"from": "accepted", "to": "approved"}


def broken_sender(*, phone: str, text: str) -> None:
    raise RuntimeError("gateway down")


def test_the_applicant_can_withdraw_the_whole_application(people, submitted):
    r = people["other_citizen"].post(f"/api/v1/applications/{submitted['number']}/withdraw", "{}",
                                     content_type="application/json")
    assert r.status_code == 404
    r = people["citizen"].post(f"/api/v1/applications/{submitted['number']}/withdraw", "{}",
                               content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"
