"""政策兑现 API: the policy catalog and what was paid (public), enterprise profiles, claims, review, payment."""

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from onewindow.core.access import PUBLIC, Role, allow, has_role
from onewindow.core.idempotency import clean_key, idempotency_scope
from onewindow.core.inputs import BoundedDate
from onewindow.enterprise.api.common import (
    APPLICANTS,
    DEPARTMENT_STAFF,
    READERS,
    application_by_number,
    enterprise_by_code,
    policy_by_code,
)
from onewindow.enterprise.models import Enterprise, Policy, PolicyApplication
from onewindow.enterprise.selectors import policies as selectors
from onewindow.enterprise.services import enterprises, policies

router = Router()


def policy_dict(p: Policy) -> dict[str, Any]:
    return {"code": p.code, "title": p.title, "title_en": p.title_en, "department": p.department.name,
            "department_code": p.department.code, "basis": p.basis, "summary": p.summary, "rules": p.rules,
            "amount_fixed": str(p.amount_fixed), "amount_per_employee": str(p.amount_per_employee),
            "amount_cap": str(p.amount_cap) if p.amount_cap is not None else None,
            "opens_on": p.opens_on.isoformat(), "closes_on": p.closes_on.isoformat(),
            "review_workdays": p.review_workdays, "materials": p.materials}


def enterprise_dict(e: Enterprise) -> dict[str, Any]:
    facts = enterprises.facts_for(e)
    return {"credit_code": e.credit_code, "name": e.name, "registered_capital": str(e.registered_capital),
            "industry": e.industry, "founded_on": e.founded_on.isoformat(), "employees": facts.employees,
            "employees_source": facts.employees_source, "declared_employees": e.declared_employees}


def application_dict(a: PolicyApplication, *, events: bool = False) -> dict[str, Any]:
    out = {"number": a.number, "policy": a.policy.code, "policy_title": a.policy.title,
           "enterprise": a.enterprise.name, "credit_code": a.enterprise.credit_code, "channel": a.channel,
           "status": a.status, "submitted_at": a.submitted_at.isoformat(), "due_on": a.due_on.isoformat(),
           "amount_computed": str(a.amount_computed),
           "amount_approved": str(a.amount_approved) if a.amount_approved is not None else None,
           "decision_note": a.decision_note,
           "paid_amount": str(a.paid_amount) if a.paid_amount is not None else None,
           "paid_on": a.paid_on.isoformat() if a.paid_on else None, "payment_reference": a.payment_reference,
           "eligibility": a.eligibility}
    if events:
        out["events"] = [{"at": e.at.isoformat(), "action": e.action, "from": e.from_status, "to": e.to_status,
                          "by": e.actor_label, "reason": e.reason} for e in a.events.all()]
    return out


# ------------------------------------------------------------------ public


@router.get("policies", summary="政策兑现目录")
@allow(PUBLIC)
def policy_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [policy_dict(p) for p in selectors.policies()[:500]]


@router.get("policies/statistics", summary="按政策和部门统计申报、审核与兑付")
@allow(PUBLIC)
def policy_statistics(request: HttpRequest) -> dict[str, Any]:
    def clean(row: dict[str, Any]) -> dict[str, Any]:
        return {k.replace("department__", "department_"): (str(v) if isinstance(v, Decimal) else v)
                for k, v in row.items() if k != "id"}

    totals = selectors.totals()
    return {"totals": {k: str(v) if isinstance(v, Decimal) else v for k, v in totals.items()},
            "by_policy": [clean(r) for r in selectors.statistics_by_policy()],
            "by_department": [clean(r) for r in selectors.statistics_by_department()]}


@router.get("policies/{code}", summary="政策详情")
@allow(PUBLIC)
def policy_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    return policy_dict(policy_by_code(code))


@router.get("policies/{code}/payments", summary="兑付公示：该政策已兑付的企业与金额")
@allow(PUBLIC)
def policy_payments(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    return [{"enterprise": a.enterprise.name, "credit_code": a.enterprise.credit_code, "number": a.number,
             "amount": str(a.paid_amount), "paid_on": a.paid_on.isoformat() if a.paid_on else None}
            for a in selectors.payments(policy_by_code(code))[:1000]]


# ------------------------------------------------------------------ enterprises


class EnterpriseIn(Schema):
    credit_code: str
    name: str
    registered_capital: Decimal
    industry: str
    founded_on: BoundedDate
    declared_employees: int = 0


class HiringIn(Schema):
    filed_on: BoundedDate
    hired: int = 0
    left: int = 0
    reference: str = ""


@router.get("enterprises/mine", summary="本账号的企业")
@allow(Role.CITIZEN)
def enterprise_mine(request: HttpRequest) -> list[dict[str, Any]]:
    return [enterprise_dict(e) for e in selectors.enterprises_of(request.user)]


@router.post("enterprises", response={201: dict}, summary="企业建档（本企业账号，或窗口代为建档）")
@allow(*APPLICANTS)
def enterprise_register(request: HttpRequest, payload: EnterpriseIn) -> Status:
    owner = request.user if not has_role(request.user, Role.CLERK) else None
    e = enterprises.enterprise_register(credit_code=payload.credit_code, name=payload.name,
                                        registered_capital=payload.registered_capital, industry=payload.industry,
                                        founded_on=payload.founded_on, declared_employees=payload.declared_employees,
                                        user=owner, actor=request.user)
    return Status(201, enterprise_dict(e))


@router.post("enterprises/{credit_code}/hiring", response={201: dict}, summary="用工备案（窗口登记）")
@allow(Role.CLERK)
def enterprise_hiring(request: HttpRequest, credit_code: str, payload: HiringIn) -> Status:
    e = enterprise_by_code(credit_code, request.user)
    enterprises.hiring_record_file(enterprise=e, filed_on=payload.filed_on, hired=payload.hired, left=payload.left,
                                   reference=payload.reference, actor=request.user)
    return Status(201, enterprise_dict(e))


# ------------------------------------------------------------------ applications


class ApplyIn(Schema):
    policy: str
    credit_code: str


class DecideIn(Schema):
    approve: bool
    note: str = ""
    amount: Decimal | None = None


class PayIn(Schema):
    amount: Decimal
    paid_on: BoundedDate
    reference: str


@router.get("policies/{code}/precheck", summary="申报前条件预检")
@allow(*APPLICANTS)
def policy_precheck(request: HttpRequest, code: str, credit_code: str) -> dict[str, Any]:
    return policies.precheck(policy=policy_by_code(code), enterprise=enterprise_by_code(credit_code, request.user))


@router.post("applications", response={201: dict}, summary="申报（企业网上申报，或窗口代办）")
@allow(*APPLICANTS)
def application_submit(request: HttpRequest, payload: ApplyIn) -> Status:
    key = clean_key(request.headers.get("Idempotency-Key"))
    a = policies.application_submit(policy=policy_by_code(payload.policy),
                                     enterprise=enterprise_by_code(payload.credit_code, request.user),
                                     actor=request.user, idempotency_key=key,
                                     idempotency_scope=idempotency_scope(actor=request.user, request=request))
    return Status(201, application_dict(a))


@router.get("applications", summary="申报列表：企业看本企业，部门看本部门政策，督查看全部")
@allow(*READERS)
def application_list(request: HttpRequest, status: str = "") -> list[dict[str, Any]]:
    user = request.user
    if has_role(user, Role.SUPERVISOR):
        qs = selectors.all_applications(status=status)
    elif has_role(user, *DEPARTMENT_STAFF):
        qs = selectors.department_worklist(user, status=status)
    else:
        qs = selectors.applications_for_enterprises(selectors.enterprises_of(user))
        if status:
            qs = qs.filter(status=status)
    return [application_dict(a) for a in qs[:500]]


@router.get("applications/{number}", summary="申报详情")
@allow(*READERS)
def application_detail(request: HttpRequest, number: str) -> dict[str, Any]:
    return application_dict(application_by_number(number, request.user), events=True)


@router.post("applications/{number}/decide", summary="兑现部门审核：通过（核定金额）或不予兑现（写明理由）")
@allow(*DEPARTMENT_STAFF)
def application_decide(request: HttpRequest, number: str, payload: DecideIn) -> dict[str, Any]:
    a = policies.application_decide(application=application_by_number(number, request.user),
                                    approve=payload.approve, note=payload.note, amount=payload.amount,
                                    actor=request.user)
    return application_dict(a)


@router.post("applications/{number}/pay", summary="登记兑付（金额、日期、凭证号）")
@allow(*DEPARTMENT_STAFF)
def application_pay(request: HttpRequest, number: str, payload: PayIn) -> dict[str, Any]:
    a = policies.application_pay(application=application_by_number(number, request.user), amount=payload.amount,
                                 paid_on=payload.paid_on, reference=payload.reference, actor=request.user)
    return application_dict(a)


@router.post("applications/{number}/withdraw", summary="撤回待审核的申报")
@allow(*APPLICANTS)
def application_withdraw(request: HttpRequest, number: str) -> dict[str, Any]:
    a = policies.application_withdraw(application=application_by_number(number, request.user), actor=request.user)
    return application_dict(a)
