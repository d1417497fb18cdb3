"""政策兑现综合窗口 through the API: pre-check, filing online and at the window, review, payment, public list."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from onewindow.core import clock
from onewindow.enterprise.models import PolicyApplication, PolicyApplicationEvent
from onewindow.enterprise.services import enterprises

from .conftest import World

pytestmark = pytest.mark.django_db
FIRM = "91350206MA2YCP8A01"
OTHER = "91350206MA2YCP8B02"


def apply(world: World, who: str, policy: str = "SW-2026-01", code: str = FIRM, **headers: str) -> Any:
    return world.clients[who].post("/api/v1/enterprise/applications", {"policy": policy, "credit_code": code},
                                   content_type="application/json", headers=headers)


def test_policy_catalog_and_detail_are_public(world: World) -> None:
    listed = world.clients["anonymous"].get("/api/v1/enterprise/policies").json()
    assert {p["code"] for p in listed} == {"SW-2026-01", "RS-2026-01"}
    detail = world.clients["anonymous"].get("/api/v1/enterprise/policies/SW-2026-01").json()
    assert detail["department"] == "湖里区商务局" and detail["materials"] == ["申请表", "财务报表"]
    assert len(detail["rules"]) == 4


def test_precheck_shows_each_rule_with_what_the_enterprise_has(world: World) -> None:
    ok = world.clients["owner"].get(f"/api/v1/enterprise/policies/SW-2026-01/precheck?credit_code={FIRM}").json()
    assert ok["eligible"] is True and ok["amount"] == "50000.00" and ok["open"] is True
    assert [r["passed"] for r in ok["results"]] == [True, True, True, True]
    bad = world.clients["other_owner"].get(f"/api/v1/enterprise/policies/SW-2026-01/precheck?credit_code={OTHER}")
    assert bad.json()["eligible"] is False
    assert [r["kind"] for r in bad.json()["results"] if not r["passed"]] == [
        "min_capital", "min_employees", "industry_in", "founded_within_years"]


def test_employees_come_from_hiring_records_when_the_enterprise_has_any(world: World) -> None:
    assert enterprises.facts_for(world.firm).employees_source == "declared"
    enterprises.hiring_record_file(enterprise=world.firm, filed_on=dt.date(2026, 1, 5), hired=9, left=2, actor=None)
    facts = enterprises.facts_for(world.firm)
    assert (facts.employees, facts.employees_source) == (7, "hiring")
    check = world.clients["owner"].get(f"/api/v1/enterprise/policies/SW-2026-01/precheck?credit_code={FIRM}").json()
    assert check["eligible"] is False
    assert [r for r in check["results"] if r["kind"] == "min_employees"][0]["passed"] is False


def test_an_ineligible_enterprise_is_refused_naming_each_failed_condition(world: World) -> None:
    response = apply(world, "other_owner", code=OTHER)
    assert response.status_code == 400
    assert {e["field"] for e in response.json()["errors"]} == {"eligibility"}
    assert len(response.json()["errors"]) == 4
    assert not PolicyApplication.objects.exists()


def test_enterprise_files_online_and_gets_a_working_day_deadline(world: World) -> None:
    response = apply(world, "owner")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["channel"] == "online" and body["status"] == "submitted"
    assert body["amount_computed"] == "50000.00"
    assert body["due_on"] == "2026-03-16"  # ten working days after Monday 2 March
    assert body["eligibility"]["facts"]["employees"] == 12


def test_clerk_files_at_the_window_on_the_enterprises_behalf(world: World) -> None:
    response = apply(world, "clerk")
    assert response.status_code == 201
    assert response.json()["channel"] == "window"
    owner_view = world.clients["owner"].get("/api/v1/enterprise/applications").json()
    assert [a["number"] for a in owner_view] == [response.json()["number"]]


def test_another_enterprises_account_cannot_file_for_it(world: World) -> None:
    assert apply(world, "other_owner").status_code == 404
    assert not PolicyApplication.objects.exists()


def test_a_second_live_claim_under_the_same_policy_is_refused(world: World) -> None:
    assert apply(world, "owner").status_code == 201
    again = apply(world, "clerk")
    assert again.status_code == 409 and again.json()["errors"][0]["field"] == "policy"
    assert PolicyApplication.objects.count() == 1


def test_the_same_idempotency_key_returns_the_first_claim(world: World) -> None:
    first = apply(world, "owner", **{"Idempotency-Key": "k-1"})
    second = apply(world, "owner", **{"Idempotency-Key": "k-1"})
    assert first.status_code == second.status_code == 201
    assert first.json()["number"] == second.json()["number"]
    assert PolicyApplication.objects.count() == 1


def test_outside_the_application_window_filing_is_refused(world: World) -> None:
    with clock.frozen(dt.datetime(2026, 7, 1, 9, 0)):
        response = apply(world, "owner", policy="RS-2026-01")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "policy"


def test_issuing_department_approves_and_records_the_payment_then_it_is_public(world: World) -> None:
    number = apply(world, "owner").json()["number"]
    reviewer = world.clients["reviewer_commerce"]
    assert [a["number"] for a in reviewer.get("/api/v1/enterprise/applications?status=submitted").json()] == [number]
    decided = reviewer.post(f"/api/v1/enterprise/applications/{number}/decide", {"approve": True, "note": "符合"},
                            content_type="application/json")
    assert decided.status_code == 200 and decided.json()["amount_approved"] == "50000.00"
    with clock.frozen(dt.datetime(2026, 3, 10, 10, 0)):
        paid = reviewer.post(f"/api/v1/enterprise/applications/{number}/pay",
                             {"amount": "50000", "paid_on": "2026-03-10", "reference": "HLCZ-2026-0310-01"},
                             content_type="application/json")
    assert paid.status_code == 200 and paid.json()["status"] == "paid"
    public = world.clients["anonymous"].get("/api/v1/enterprise/policies/SW-2026-01/payments").json()
    assert public == [{"enterprise": "厦门云帆软件有限公司", "credit_code": FIRM, "number": number,
                       "amount": "50000.00", "paid_on": "2026-03-10"}]
    actions = list(PolicyApplicationEvent.objects.filter(application__number=number).values_list("action", flat=True))
    assert actions == ["submit", "approve", "pay"]


def test_another_department_cannot_review_or_pay_the_policys_claims(world: World) -> None:
    number = apply(world, "owner").json()["number"]
    hr = world.clients["reviewer_hr"]
    assert hr.get("/api/v1/enterprise/applications").json() == []
    assert hr.get(f"/api/v1/enterprise/applications/{number}").status_code == 404
    refused = hr.post(f"/api/v1/enterprise/applications/{number}/decide", {"approve": True},
                      content_type="application/json")
    assert refused.status_code == 404
    assert PolicyApplication.objects.get(number=number).status == "submitted"


def test_the_review_service_itself_refuses_staff_of_another_department(world: World) -> None:
    from django.contrib.auth.models import User

    from onewindow.core.errors import Forbidden
    from onewindow.enterprise.services import policies

    application = PolicyApplication.objects.get(number=apply(world, "owner").json()["number"])
    with pytest.raises(Forbidden):
        policies.application_decide(application=application, approve=True, actor=User.objects.get(username="rev_h"))
    application.refresh_from_db()
    assert application.status == "submitted"


def test_a_rejection_needs_a_reason_and_an_applicant_cannot_decide(world: World) -> None:
    number = apply(world, "owner").json()["number"]
    url = f"/api/v1/enterprise/applications/{number}/decide"
    assert world.clients["owner"].post(url, {"approve": True}, content_type="application/json").status_code == 403
    no_reason = world.clients["head_commerce"].post(url, {"approve": False}, content_type="application/json")
    assert no_reason.status_code == 400 and no_reason.json()["errors"][0]["field"] == "note"
    rejected = world.clients["head_commerce"].post(url, {"approve": False, "note": "营收未达标"},
                                                   content_type="application/json")
    assert rejected.json()["status"] == "rejected"
    twice = world.clients["head_commerce"].post(url, {"approve": True}, content_type="application/json")
    assert twice.status_code == 409
    assert apply(world, "owner").status_code == 201  # a rejected claim may be filed again


def test_payment_over_the_approved_amount_or_before_approval_is_refused(world: World) -> None:
    number = apply(world, "owner").json()["number"]
    reviewer = world.clients["reviewer_commerce"]
    pay = f"/api/v1/enterprise/applications/{number}/pay"
    body = {"amount": "100", "paid_on": "2026-03-02", "reference": "R1"}
    assert reviewer.post(pay, body, content_type="application/json").status_code == 409
    reviewer.post(f"/api/v1/enterprise/applications/{number}/decide", {"approve": True, "amount": "30000"},
                  content_type="application/json")
    over = reviewer.post(pay, {**body, "amount": "30000.01"}, content_type="application/json")
    assert over.status_code == 400 and over.json()["errors"][0]["field"] == "amount"
    assert PolicyApplication.objects.get(number=number).status == "approved"


def test_statistics_count_per_policy_and_department(world: World) -> None:
    apply(world, "owner")
    apply(world, "owner", policy="RS-2026-01")
    stats = world.clients["anonymous"].get("/api/v1/enterprise/policies/statistics").json()
    by_policy = {r["code"]: r for r in stats["by_policy"]}
    assert by_policy["SW-2026-01"]["filed"] == 1 and by_policy["RS-2026-01"]["pending"] == 1
    assert {r["department_name"] for r in stats["by_department"]} == {"湖里区商务局", "湖里区人社局"}
    assert stats["totals"]["filed"] == 2


def test_rules_are_validated_when_a_policy_is_saved(world: World) -> None:
    from onewindow.core.errors import ServiceError
    from onewindow.enterprise.services import policies

    with pytest.raises(ServiceError) as caught:
        policies.policy_save(code="X", title="x", department=world.hr, basis="b", opens_on=dt.date(2026, 1, 1),
                             closes_on=dt.date(2026, 2, 1), actor=None,
                             rules_json=[{"kind": "min_capital", "value": "lots"}, {"kind": "magic"}])
    assert [p.field for p in caught.value.problems] == ["rules[0]", "rules[1]"]
