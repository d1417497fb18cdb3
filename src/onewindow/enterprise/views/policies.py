"""Policy window pages: the catalog and what was paid (public), the enterprise's own page, filing with the
pre-check, the department's worklist, review and payment, and the figures per policy and department."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onewindow.core import clock
from onewindow.core.access import PUBLIC, Role, allow, has_role
from onewindow.core.errors import ServiceError
from onewindow.core.idempotency import clean_key, idempotency_scope
from onewindow.core.paging import paginate
from onewindow.enterprise import access
from onewindow.enterprise.api.common import (
    APPLICANTS,
    DEPARTMENT_STAFF,
    READERS,
    application_by_number,
    enterprise_by_code,
    policy_by_code,
)
from onewindow.enterprise.models import Enterprise, Industry, PolicyApplication
from onewindow.enterprise.rules import RULE_LABELS
from onewindow.enterprise.selectors import classes as class_selectors
from onewindow.enterprise.selectors import policies as selectors
from onewindow.enterprise.services import enterprises, policies
from onewindow.enterprise.views.common import date_value, int_value, run


def _not_found(exc: ServiceError) -> Http404:
    return Http404(exc.message)


@allow(PUBLIC)
def policy_list(request: HttpRequest) -> HttpResponse:
    return render(request, "enterprise/policies.html", {"policies": selectors.policies(),
                                                        "totals": selectors.totals(), "today": clock.today()})


def _rule_rows(rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    labels = dict(Industry.choices)
    rows = []
    for rule in rules:
        value = rule["value"]
        shown = "、".join(str(labels.get(v, v)) for v in value) if isinstance(value, list) else value
        rows.append({"label": RULE_LABELS.get(rule["kind"], rule["kind"]), "value": shown})
    return rows


@allow(PUBLIC)
def policy_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        policy = policy_by_code(code)
    except ServiceError as exc:
        raise _not_found(exc) from None
    mine = selectors.enterprises_of(request.user) if has_role(request.user, Role.CITIZEN) else Enterprise.objects.none()
    return render(request, "enterprise/policy_detail.html", {
        "policy": policy, "rules": _rule_rows(policy.rules), "payments": selectors.payments(policy)[:200],
        "can_apply": has_role(request.user, *APPLICANTS), "my_enterprises": mine,
        "is_clerk": has_role(request.user, Role.CLERK), "today": clock.today()})


@allow(*APPLICANTS)
def policy_precheck(request: HttpRequest, code: str) -> HttpResponse:
    """The pre-check as a fragment (htmx) or a page: every condition with what the enterprise has."""
    try:
        policy = policy_by_code(code)
        enterprise = enterprise_by_code(request.GET.get("credit_code", ""), request.user)
    except ServiceError as exc:
        return render(request, "enterprise/_precheck.html", {"error": exc.message}, status=exc.status)
    check = policies.precheck(policy=policy, enterprise=enterprise)
    live = PolicyApplication.objects.filter(policy=policy, enterprise=enterprise).exclude(
        status__in=(PolicyApplication.Status.REJECTED, PolicyApplication.Status.WITHDRAWN)).first()
    return render(request, "enterprise/_precheck.html", {"check": check, "policy": policy, "enterprise": enterprise,
                                                         "live": live})


@allow(*APPLICANTS)
@require_POST
def policy_apply(request: HttpRequest, code: str) -> HttpResponse:
    p = request.POST

    def submit() -> PolicyApplication:
        key = clean_key(p.get("idem"), field="idem")
        return policies.application_submit(policy=policy_by_code(code),
                                           enterprise=enterprise_by_code(p.get("credit_code", ""), request.user),
                                           actor=request.user, idempotency_key=key,
                                           idempotency_scope=idempotency_scope(actor=request.user, request=request))

    return run(request, submit, lambda a: _("已提交申报 %(n)s") % {"n": a.number},
               reverse("enterprise:policy_detail", args=[code]),
               then=lambda a: reverse("enterprise:application_detail", args=[a.number]))


@allow(PUBLIC)
def statistics(request: HttpRequest) -> HttpResponse:
    return render(request, "enterprise/statistics.html", {
        "by_policy": selectors.statistics_by_policy(), "by_department": selectors.statistics_by_department(),
        "totals": selectors.totals(), "topics": class_selectors.figures_by_topic()})


@allow(*READERS)
def application_list(request: HttpRequest) -> HttpResponse:
    user, status = request.user, request.GET.get("status", "")
    if has_role(user, Role.SUPERVISOR):
        qs, scope = selectors.all_applications(status=status), "all"
    elif has_role(user, *DEPARTMENT_STAFF):
        qs, scope = selectors.department_worklist(user, status=status), "department"
    else:
        qs = selectors.applications_for_enterprises(selectors.enterprises_of(user))
        qs, scope = (qs.filter(status=status) if status in PolicyApplication.Status.values else qs), "mine"
    return render(request, "enterprise/applications.html", {
        "page": paginate(qs, page=request.GET.get("page"), per_page=30), "scope": scope, "status": status,
        "statuses": PolicyApplication.Status.choices, "today": clock.today()})


@allow(*READERS)
def application_detail(request: HttpRequest, number: str) -> HttpResponse:
    try:
        application = application_by_number(number, request.user)
    except ServiceError as exc:
        raise _not_found(exc) from None
    return render(request, "enterprise/application_detail.html", {
        "a": application, "events": application.events.all(), "today": clock.today(),
        "can_review": access.can_review(application.policy, request.user),
        "can_withdraw": access.can_act_for(application.enterprise, request.user)})


@allow(*READERS)
@require_POST
def application_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    p, user = request.POST, request.user
    try:
        application = application_by_number(number, user)
    except ServiceError as exc:
        raise _not_found(exc) from None
    calls: dict[str, Callable[[], Any]] = {
        "approve": lambda: policies.application_decide(application=application, approve=True,
                                                       note=p.get("note", ""), amount=p.get("amount") or None,
                                                       actor=user),
        "reject": lambda: policies.application_decide(application=application, approve=False,
                                                      note=p.get("note", ""), actor=user),
        "pay": lambda: policies.application_pay(application=application, amount=p.get("amount", ""),
                                                paid_on=date_value(p.get("paid_on"), "paid_on"),
                                                reference=p.get("reference", ""), actor=user),
        "withdraw": lambda: policies.application_withdraw(application=application, actor=user),
    }
    if action not in calls:
        raise Http404
    return run(request, calls[action], _("已保存"), reverse("enterprise:application_detail", args=[number]))


@allow(Role.CITIZEN, Role.CLERK)
def my_enterprise(request: HttpRequest) -> HttpResponse:
    """The enterprise's own page: its profile with the facts the platform checks, its claims and classes."""
    mine = selectors.enterprises_of(request.user)
    rows = [{"e": e, "facts": enterprises.facts_for(e)} for e in mine]
    registrations = class_selectors.registrations_of(mine)[:50]
    return render(request, "enterprise/me.html", {
        "rows": rows, "industries": Industry.choices, "today": clock.today(),
        "applications": selectors.applications_for_enterprises(mine)[:50], "registrations": registrations})


@allow(Role.CITIZEN, Role.CLERK)
@require_POST
def enterprise_register(request: HttpRequest) -> HttpResponse:
    p = request.POST
    owner = None if has_role(request.user, Role.CLERK) else request.user
    return run(request, lambda: enterprises.enterprise_register(
        credit_code=p.get("credit_code", ""), name=p.get("name", ""),
        registered_capital=p.get("registered_capital", ""), industry=p.get("industry", ""),
        founded_on=date_value(p.get("founded_on"), "founded_on"),
        declared_employees=int_value(p.get("declared_employees"), "declared_employees"), user=owner,
        actor=request.user), _("企业信息已保存"), reverse("enterprise:me"))
