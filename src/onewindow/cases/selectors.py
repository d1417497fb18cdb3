"""Reads for the cases pages and API, with object-level access rules.

Every list here runs a fixed number of queries whatever its length (select_related / prefetch_related).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import F, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf
from django.http import Http404
from django.utils.translation import get_language

from onewindow.bundles.notice import bundle_notice, item_notice
from onewindow.cases.models import (
    OPEN_STATUSES,
    Application,
    ApplicationKind,
    Case,
    CaseEvent,
    CaseStatus,
    Channel,
    SubmittedMaterial,
)
from onewindow.catalog.models import MaterialNecessity, MaterialSource, ServiceItem
from onewindow.core import clock
from onewindow.core.access import Role, user_department_id, user_roles
from onewindow.core.actors import Actor, actor_user
from onewindow.core.calendar import add_workdays, workdays_between
from onewindow.core.errors import ServiceError

# --------------------------------------------------------------------------- access rules


def is_department_staff(user: Actor) -> bool:
    return bool(user_roles(user) & {Role.REVIEWER, Role.DEPARTMENT_HEAD})


def owns_application(user: Actor, application: Application) -> bool:
    person = actor_user(user)
    if person is None:
        return False
    return application.submitted_by_id == person.pk or application.applicant.user_id == person.pk


def is_own_application(user: Actor, application: Application) -> bool:
    """The user is the applicant: the application is on their account, or they submitted it online themselves.
    (A clerk who submits at the window on a citizen's behalf is not the applicant.) Staff never accept, decide or
    deliver their own applications: another member of staff must."""
    person = actor_user(user)
    if person is None:
        return False
    if application.applicant.user_id == person.pk:
        return True
    return application.channel == Channel.ONLINE and application.submitted_by_id == person.pk


def can_view_case(user: Actor, case: Case) -> bool:
    roles = user_roles(user)
    if roles & {Role.CLERK, Role.SUPERVISOR}:
        return True
    if roles & {Role.REVIEWER, Role.DEPARTMENT_HEAD}:
        return case.department_id in supervised_departments(user)
    return owns_application(user, case.application)


def supervised_departments(user: Actor) -> list[int]:
    """The departments whose cases a reviewer or department head sees: their own; a head also the units under it
    (the bureau's head supervises the business centres its items are handled by)."""
    dept = user_department_id(user)
    if dept is None:
        return []
    if Role.DEPARTMENT_HEAD not in user_roles(user):
        return [dept]
    from onewindow.catalog.models import Department
    from onewindow.catalog.selectors import department_and_parts

    department = Department.objects.filter(pk=dept).first()
    return department_and_parts(department) if department is not None else [dept]


def can_view_application(user: Actor, application: Application, *, session_numbers: list[str] | None = None) -> bool:
    roles = user_roles(user)
    if roles & {Role.CLERK, Role.SUPERVISOR}:
        return True
    if owns_application(user, application):
        return True
    if session_numbers and application.number in session_numbers:
        return True
    if roles & {Role.REVIEWER, Role.DEPARTMENT_HEAD}:
        depts = supervised_departments(user)
        return any(c.department_id in depts for c in application.cases.all())
    return False


#: who may do what to a case: "window" = clerk or the case's department staff; "department" = its staff only;
#: "applicant" = the owner (or a clerk on their behalf)
ACTION_RULES = {
    "accept": "window", "not-accept": "window", "supplement": "window", "supplement-complete": "window",
    "accept-deferral": "window", "makeup-complete": "window",
    "start-review": "department", "special-start": "department", "special-end": "department",
    "approve": "department", "deny": "department", "complete": "department", "deliver": "window",
    "withdraw": "applicant",
}


def can_act_on_case(user: Actor, case: Case, action: str) -> bool:
    rule = ACTION_RULES.get(action)
    if rule in ("window", "department") and is_own_application(user, case.application):
        return False
    roles = user_roles(user)
    own_dept = bool(roles & {Role.REVIEWER, Role.DEPARTMENT_HEAD}) and case.department_id == user_department_id(user)
    if rule == "department":
        return own_dept
    if rule == "window":
        return own_dept or Role.CLERK in roles
    if rule == "applicant":
        return Role.CLERK in roles or owns_application(user, case.application)
    return False


def case_for_user(user: Actor, number: str) -> Case:
    """The case if this user may see it; 404 otherwise (a reviewer never learns of another department's case)."""
    case = (Case.objects.select_related("application__applicant", "department", "item", "decided_by__profile")
            .filter(number=number).first())
    if case is None or not can_view_case(user, case):
        raise Http404("case")
    return case


def application_for_user(user: Actor, number: str, *, session_numbers: list[str] | None = None) -> Application:
    app = (Application.objects.select_related("applicant")
           .prefetch_related(Prefetch("cases", queryset=Case.objects.select_related("department").order_by("number")))
           .filter(number=number).first())
    if app is None or not can_view_application(user, app, session_numbers=session_numbers):
        raise Http404("application")
    return app


# --------------------------------------------------------------------------- deadline lights

@dataclass(frozen=True)
class Lights:
    today: dt.date
    yellow_until: dt.date  # due on or before this (and not before today) → yellow

    def light(self, case: Case) -> str:
        if case.status not in OPEN_STATUSES or case.due_date is None:
            return ""
        if case.status == CaseStatus.SPECIAL_PROCEDURE:
            return "paused"
        if case.due_date < self.today:
            return "red"
        if case.due_date <= self.yellow_until:
            return "yellow"
        return "green"

    def days_left(self, case: Case) -> int | None:
        if case.due_date is None or case.status not in OPEN_STATUSES:
            return None
        if case.due_date >= self.today:
            return workdays_between(self.today, case.due_date)
        return -workdays_between(case.due_date, self.today)


def lights(today: dt.date | None = None) -> Lights:
    today = today or clock.today()
    yellow: Any = settings.ONEWINDOW.get("DEADLINE_YELLOW_WORKDAYS", 2)
    n = int(yellow)
    return Lights(today=today, yellow_until=add_workdays(today, n))


LIGHT_LABELS = {"red": "已超期", "yellow": "即将到期", "green": "正常", "paused": "暂停计时", "": "未计时"}


# --------------------------------------------------------------------------- worklist

WORKLIST_FILTER_STATUSES = ("open", *[s.value for s in CaseStatus])


@dataclass
class WorklistPage:
    rows: list[Case]
    page: int
    per_page: int
    has_next: bool
    lights: Lights
    total: int = 0

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass(frozen=True)
class WorklistFilter:
    """The worklist's filters, as they stand in its address (status, item, light, q, mine)."""

    status: str = "open"
    item_code: str = ""
    light: str = ""
    q: str = ""
    assignee_id: int | None = None


def worklist_cases(department_id: int | None, f: WorklistFilter, lt: Lights) -> QuerySet[Case]:
    """A department's cases matching the filters, by urgency: overdue (red) first, then yellow, then green, then
    not yet timed (the worklist page, its count and its Excel export)."""
    if department_id is None:
        return Case.objects.none()
    qs: QuerySet[Case] = Case.objects.filter(department_id=department_id)
    if not f.status or f.status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif f.status in CaseStatus.values:
        qs = qs.filter(status=f.status)
    if f.item_code:
        qs = qs.filter(item_code=f.item_code)
    if f.assignee_id is not None:
        qs = qs.filter(assignee_id=f.assignee_id)
    qs = _light_filter(qs, f.light, lt)
    q = (f.q or "").strip()
    if q:
        upper = q.upper()
        if upper.startswith("BJ"):
            qs = qs.filter(number__startswith=upper)
        elif upper.startswith("SQ"):
            qs = qs.filter(application__number__startswith=upper)
        else:
            qs = qs.filter(application__applicant__name=q)
    return (qs.select_related("application__applicant", "assignee__profile", "item")
            .only("id", "number", "item_code", "item_name", "item__name_en", "status", "due_date", "due_provisional", "accepted_on",
                  "received_at", "makeup_due", "department_id", "version", "handling_type", "promised_limit",
                  "application__number", "application__name", "application__channel", "application__applicant__name",
                  "application__applicant__kind", "application__applicant__id_number",
                  "application__applicant__credit_code", "assignee__username", "assignee__profile__display_name")
            .order_by(F("due_date").asc(nulls_last=True), "id"))


def _light_filter(qs: QuerySet[Case], light: str, lt: Lights) -> QuerySet[Case]:
    if light in ("red", "yellow", "green"):
        qs = qs.exclude(status=CaseStatus.SPECIAL_PROCEDURE)  # paused: no light while the clock stands still
    if light == "red":
        return qs.filter(due_date__lt=lt.today)
    if light == "yellow":
        return qs.filter(due_date__gte=lt.today, due_date__lte=lt.yellow_until)
    if light == "green":
        return qs.filter(due_date__gt=lt.yellow_until)
    return qs


def worklist(*, department_id: int | None, status: str = "open", item_code: str = "", light: str = "", q: str = "",
             page: int = 1, per_page: int = 20, assignee_id: int | None = None) -> WorklistPage:
    """One page of the department's worklist and the number of cases matching (two queries, none per row; the
    count runs on the department's partial indexes)."""
    lt = lights()
    page = max(1, min(int(page or 1), 100_000))
    per_page = max(1, min(100, int(per_page or 20)))
    if department_id is None:
        return WorklistPage([], page, per_page, False, lt)
    qs = worklist_cases(department_id, WorklistFilter(status, item_code, light, q, assignee_id), lt)
    start = (page - 1) * per_page
    rows = list(qs[start:start + per_page + 1])
    total = start + len(rows) if len(rows) <= per_page and (rows or page == 1) else qs.count()
    return WorklistPage(rows[:per_page], page, per_page, len(rows) > per_page, lt, total)


def department_staff(department_id: int | None) -> list[tuple[int, str]]:
    """The department's active reviewers and heads (whom a head assigns cases to), as (id, name)."""
    if department_id is None:
        return []
    from django.contrib.auth import get_user_model

    users = (get_user_model().objects.filter(is_active=True, profile__department_id=department_id,
                                             groups__name__in=[Role.REVIEWER, Role.DEPARTMENT_HEAD])
             .select_related("profile").distinct().order_by("username"))
    return [(u.pk, u.profile.display_name or u.username) for u in users]


def department_items(department_id: int | None) -> list[tuple[str, str]]:
    if department_id is None:
        return []
    name = "name_en" if (get_language() or "").startswith("en") else "name"  # the English name where there is one
    return list(ServiceItem.objects.filter(department_id=department_id).order_by("code")
                .values_list("code", Coalesce(NullIf(name, Value("")), "name")))


# --------------------------------------------------------------------------- case page, applications

def case_events(case: Case) -> list[CaseEvent]:
    return list(CaseEvent.objects.filter(case=case).order_by("at", "id"))


def case_materials(case: Case) -> list[SubmittedMaterial]:
    return list(SubmittedMaterial.objects.filter(cases=case).select_related("material").order_by("id"))


def application_materials(app: Application) -> list[SubmittedMaterial]:
    return list(SubmittedMaterial.objects.filter(application=app).select_related("material").order_by("id"))


def application_events(app: Application) -> list[CaseEvent]:
    return list(CaseEvent.objects.filter(case__application=app).select_related("case").order_by("at", "id"))


def my_applications(user: Actor, *, limit: int = 100) -> list[Application]:
    person = actor_user(user)
    if person is None:
        return []
    return list(Application.objects.filter(Q(submitted_by=person) | Q(applicant__user=person))
                .select_related("applicant").prefetch_related(Prefetch("cases", queryset=Case.objects.order_by("number")))
                .order_by("-submitted_at", "-id")[:limit])


def progress_lookup(*, number: str, phone_last4: str) -> Application | None:
    """The application when its number — or the number of one of its cases (BJ…) — and the phone's last four
    digits both match; None otherwise (no hint which)."""
    number = (number or "").strip().upper()
    last4 = (phone_last4 or "").strip()
    if not number or len(last4) != 4 or not last4.isdigit():
        return None
    named = Q(cases__number=number) if number.startswith("BJ") else Q(number=number)
    return (Application.objects.filter(named, phone_last4=last4)
            .prefetch_related(Prefetch("cases", queryset=Case.objects.select_related("department").order_by("number")))
            .first())


def material_for_user(user: Actor, pk: int, *, session_numbers: list[str] | None = None) -> SubmittedMaterial:
    """A submitted file, if the user may see the application (or a case that uses it)."""
    sm = SubmittedMaterial.objects.select_related("application__applicant", "material").filter(pk=pk).first()
    if sm is None or not sm.file:
        raise Http404("material")
    app = sm.application
    roles = user_roles(user)
    if roles & {Role.CLERK, Role.SUPERVISOR} or owns_application(user, app) or (
            session_numbers and app.number in session_numbers):
        return sm
    if roles & {Role.REVIEWER, Role.DEPARTMENT_HEAD}:
        dept = user_department_id(user)
        if dept is not None and Case.objects.filter(application=app, department_id=dept, materials=sm).exists():
            return sm
    raise Http404("material")


# --------------------------------------------------------------------------- the notice an application answered


def application_notice(app: Application) -> Any | None:
    """The notice (items, materials, form fields) for the application's bundle answers or item; None when the
    bundle or item has since gone."""
    try:
        if app.kind == ApplicationKind.BUNDLE:
            return bundle_notice(bundle_code=app.code, answers=app.answers)
        return item_notice(item_code=app.code)
    except ServiceError:
        return None


def missing_material_names(app: Application) -> list[str]:
    """Required materials of the application's notice that were neither uploaded nor seen (nor shared)."""
    notice = application_notice(app)
    if notice is None:
        return []
    have = set(app.submitted_materials.values_list("material_id", flat=True))
    return [m.name for m in notice.materials
            if m.material_id not in have and m.source != MaterialSource.SHARED and m.necessity == MaterialNecessity.REQUIRED]
