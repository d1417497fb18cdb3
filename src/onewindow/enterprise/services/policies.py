"""政策兑现综合窗口: the policy catalog, an enterprise's claim, the issuing department's review and the payment.

An application is checked against the policy's rules with what the platform knows (services.enterprises
.facts_for) before it is filed, and the check is kept on it. It is filed online by the enterprise or at the
window by a clerk on its behalf, inside the policy's application window; the issuing department reviews it
within the policy's working days (core.calendar) and, once approved, records the payment. Every move is a
`transition()` with its event row.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.catalog.models import Department
from onewindow.core import clock
from onewindow.core.actors import Actor
from onewindow.core.audit import audit_log
from onewindow.core.calendar import deadline_after
from onewindow.core.counters import counter_next
from onewindow.core.errors import Conflict, FieldProblem, ServiceError, collect
from onewindow.core.events import record_event, transition
from onewindow.core.idempotency import idempotent_replay, request_fingerprint
from onewindow.enterprise import access, rules
from onewindow.enterprise.models import Enterprise, Policy, PolicyApplication, PolicyApplicationEvent
from onewindow.enterprise.services.enterprises import facts_for

S = PolicyApplication.Status
MAX_AMOUNT = Decimal("1e11")
MAX_REVIEW_WORKDAYS = 60


def _money(value: Any, field: str, *, allow_none: bool = False) -> Decimal | None:
    if value in (None, "") and allow_none:
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ServiceError(_("金额应为数字（元）"), field=field) from None
    if not amount.is_finite() or amount < 0 or amount >= MAX_AMOUNT:
        raise ServiceError(_("金额应为 0 至 10¹¹ 元之间的数字"), field=field)
    return amount.quantize(Decimal("0.01"))


def _materials(raw: Any) -> list[str]:
    if raw in (None, ""):
        return []
    if not isinstance(raw, list) or len(raw) > 30 or any(not isinstance(m, str) or not m.strip() for m in raw):
        raise ServiceError(_("申报材料应为不超过30项的名称列表"), field="materials")
    return [m.strip()[:200] for m in raw]


def policy_save(*, code: str, title: str, department: Department, basis: str, opens_on: dt.date,
                closes_on: dt.date, actor: Actor, rules_json: Any = None, summary: str = "",
                amount_fixed: Any = 0, amount_per_employee: Any = 0, amount_cap: Any = None,
                review_workdays: int = 10, materials: Any = None, published: bool = True,
                title_en: str = "") -> Policy:
    """Create a policy, or update the one with this code."""
    problems: list[FieldProblem] = []
    code = (code or "").strip()
    if not code or len(code) > 32:
        problems.append(FieldProblem("code", _("政策编码应为1至32个字符")))
    if not (title or "").strip():
        problems.append(FieldProblem("title", _("请填写政策名称")))
    if not (basis or "").strip():
        problems.append(FieldProblem("basis", _("请填写政策依据")))
    if closes_on < opens_on:
        problems.append(FieldProblem("closes_on", _("申报截止不能早于申报开始")))
    if isinstance(review_workdays, bool) or not isinstance(review_workdays, int) \
            or not 1 <= review_workdays <= MAX_REVIEW_WORKDAYS:
        problems.append(FieldProblem("review_workdays", _("审核时限应为 1 至 60 个工作日")))
    collect(problems, _("政策信息有误"))
    values = {"title": title.strip()[:200], "title_en": (title_en or "").strip()[:200], "department": department,
              "basis": basis.strip(), "summary": (summary or "").strip(), "rules": rules.clean_rules(rules_json),
              "amount_fixed": _money(amount_fixed, "amount_fixed"),
              "amount_per_employee": _money(amount_per_employee, "amount_per_employee"),
              "amount_cap": _money(amount_cap, "amount_cap", allow_none=True), "opens_on": opens_on,
              "closes_on": closes_on, "review_workdays": review_workdays, "materials": _materials(materials),
              "published": bool(published)}
    with transaction.atomic():
        policy, created = Policy.objects.update_or_create(code=code, defaults=values,
                                                          create_defaults={**values, "created_at": clock.now()})
        audit_log(actor=actor, action="enterprise.policy_create" if created else "enterprise.policy_update",
                  target=policy, detail={"code": code})
    return policy


def precheck(*, policy: Policy, enterprise: Enterprise) -> dict[str, Any]:
    """The eligibility check shown before submitting, and stored on the application when it is filed."""
    facts = facts_for(enterprise)
    eligible, results = rules.check(policy.rules, facts, today=clock.today())
    snapshot = rules.as_json(facts, eligible, results)
    snapshot["amount"] = str(rules.amount_for(fixed=policy.amount_fixed, per_employee=policy.amount_per_employee,
                                              cap=policy.amount_cap, employees=facts.employees))
    today = clock.today()
    snapshot["open"] = policy.published and policy.opens_on <= today <= policy.closes_on
    return snapshot


def application_submit(*, policy: Policy, enterprise: Enterprise, actor: Actor, idempotency_key: str = "",
                       idempotency_scope: str = "") -> PolicyApplication:
    """File a claim: the enterprise online, or a window clerk on its behalf. Refused outside the application
    window, when a condition fails, or when the enterprise already has a live claim under this policy."""
    access.require_act_for(enterprise, actor)
    fingerprint = request_fingerprint({"policy": policy.pk, "enterprise": enterprise.pk})
    if idempotency_key:
        existing = PolicyApplication.objects.filter(idempotency_scope=idempotency_scope,
                                                    idempotency_key=idempotency_key).first()
        if existing is not None:
            return idempotent_replay(existing, fingerprint=fingerprint)
    today = clock.today()
    if not policy.published or today < policy.opens_on:
        raise ServiceError(_("该政策尚未开始受理申报"), field="policy")
    if today > policy.closes_on:
        raise ServiceError(_("该政策已于 %(d)s 截止申报") % {"d": policy.closes_on.isoformat()}, field="policy")
    snapshot = precheck(policy=policy, enterprise=enterprise)
    if not snapshot["eligible"]:
        failed = [FieldProblem("eligibility", _("%(label)s：要求 %(required)s，实际 %(actual)s")
                               % {"label": r["label"], "required": r["required"], "actual": r["actual"]})
                  for r in snapshot["results"] if not r["passed"]]
        raise ServiceError(_("不符合申报条件"), problems=failed)
    channel = PolicyApplication.Channel.ONLINE if access.is_owner(enterprise, actor) \
        else PolicyApplication.Channel.WINDOW
    now = clock.now()
    deadline = deadline_after(today, policy.review_workdays)
    try:
        with transaction.atomic():
            number = f"ZC{today:%Y%m%d}{counter_next(scope='enterprise.policy_application', day=today):04d}"
            application = PolicyApplication.objects.create(
                number=number, policy=policy, enterprise=enterprise, channel=channel, eligibility=snapshot,
                amount_computed=Decimal(snapshot["amount"]), submitted_at=now, due_on=deadline.date,
                due_provisional=deadline.provisional, updated_at=now, idempotency_key=idempotency_key,
                idempotency_scope=idempotency_scope if idempotency_key else "",
                idempotency_fingerprint=fingerprint if idempotency_key else "")
            record_event(application, event_model=PolicyApplicationEvent, action="submit", actor=actor,
                         to_status=S.SUBMITTED, at=now, correlation=number, data={"channel": channel})
    except IntegrityError:
        if idempotency_key:
            existing = PolicyApplication.objects.filter(idempotency_scope=idempotency_scope,
                                                        idempotency_key=idempotency_key).first()
            if existing is not None:
                return idempotent_replay(existing, fingerprint=fingerprint)
        raise Conflict(_("该企业已申报此政策，请勿重复申报"), field="policy") from None
    return application


def application_decide(*, application: PolicyApplication, approve: bool, actor: Actor, note: str = "",
                       amount: Any = None) -> PolicyApplication:
    """The issuing department's decision: approve (the amount by the formula unless the reviewer sets it) or
    reject with a reason."""
    access.require_review(application.policy, actor)
    note = (note or "").strip()
    if not approve and not note:
        raise ServiceError(_("不予兑现须写明理由"), field="note")
    approved = _money(amount, "amount", allow_none=True) if approve else None
    if approve and approved is None:
        approved = application.amount_computed
    now = clock.now()
    with transaction.atomic():
        return transition(
            application, to=S.APPROVED if approve else S.REJECTED, allowed_from={S.SUBMITTED},
            action="approve" if approve else "reject", action_label=_("审核通过") if approve else _("不予兑现"),
            actor=actor, event_model=PolicyApplicationEvent, reason=note, correlation=application.number,
            data={"amount": str(approved) if approved is not None else None,
                  "on_time": now.date() <= application.due_on},
            changes={"decided_at": now, "decision_note": note, "amount_approved": approved})


def application_pay(*, application: PolicyApplication, amount: Any, paid_on: dt.date, reference: str,
                    actor: Actor) -> PolicyApplication:
    """Record the payment of an approved claim (amount, date, the payment voucher's reference)."""
    access.require_review(application.policy, actor)
    paid = _money(amount, "amount")
    problems: list[FieldProblem] = []
    if paid is None or paid <= 0:
        problems.append(FieldProblem("amount", _("兑付金额应大于0")))
    elif application.amount_approved is not None and paid > application.amount_approved:
        problems.append(FieldProblem("amount", _("兑付金额不能超过核定金额")))
    if paid_on > clock.today():
        problems.append(FieldProblem("paid_on", _("兑付日期不能晚于今天")))
    elif application.decided_at is not None and paid_on < timezone.localdate(application.decided_at):
        problems.append(FieldProblem("paid_on", _("兑付日期不能早于审核日期")))
    if not (reference or "").strip():
        problems.append(FieldProblem("reference", _("请填写兑付凭证号")))
    collect(problems, _("兑付信息有误"))
    with transaction.atomic():
        return transition(application, to=S.PAID, allowed_from={S.APPROVED}, action="pay",
                          action_label=_("兑付"), actor=actor, event_model=PolicyApplicationEvent,
                          correlation=application.number,
                          data={"amount": str(paid), "paid_on": paid_on.isoformat(), "reference": reference.strip()},
                          changes={"paid_amount": paid, "paid_on": paid_on,
                                   "payment_reference": reference.strip()[:60]})


def application_withdraw(*, application: PolicyApplication, actor: Actor) -> PolicyApplication:
    access.require_act_for(application.enterprise, actor)
    with transaction.atomic():
        return transition(application, to=S.WITHDRAWN, allowed_from={S.SUBMITTED}, action="withdraw",
                          action_label=_("撤回"), actor=actor, event_model=PolicyApplicationEvent,
                          correlation=application.number)
