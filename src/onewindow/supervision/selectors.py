"""Reads for the supervision pages and API. Lists select_related what they show, so their query count does not
grow with their length; `can_*` are the object-level access rules."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import Count, Q, QuerySet

from onewindow.core import clock
from onewindow.core.access import Role, user_department_id, user_roles
from onewindow.core.actors import Actor
from onewindow.core.errors import ServiceError
from onewindow.core.models import Region
from onewindow.core.regions import region_q, user_region, user_sees

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

from django.utils.translation import gettext as _

from onewindow.supervision.models import (
    OPEN_NOTICE_STATUSES,
    ChecklistTemplate,
    Finding,
    FindingState,
    Inspection,
    InspectionResult,
    MonitorRun,
    Notice,
    NoticeSource,
    NoticeStatus,
)


def is_supervisor(user: Actor) -> bool:
    return Role.SUPERVISOR in user_roles(user)


def unit_region_q(region: Region | None) -> Q:
    """Notices and findings whose unit (department or hall) lies in `region`; all when None (unscoped)."""
    if region is None:
        return Q()
    return region_q(region, "department__region") | region_q(region, "hall__region")


def notice_scope(user: Actor) -> Q:
    """Supervisors see every notice of their region (all when unscoped); department staff their department's;
    clerks those addressed to a hall of their region. A Huli supervisor never sees a Fu'an notice."""
    roles = user_roles(user)
    region = user_region(user)
    if Role.SUPERVISOR in roles:
        return unit_region_q(region)
    q = Q(pk__in=[])
    if roles & {Role.DEPARTMENT_HEAD, Role.REVIEWER}:
        dept = user_department_id(user)
        if dept is not None:
            q |= Q(department_id=dept)
    if roles & {Role.CLERK, Role.DEPARTMENT_HEAD}:
        q |= Q(department__isnull=True, hall__isnull=False) & region_q(region, "hall__region")
    return q


def can_view_notice(user: Actor, notice: Notice) -> bool:
    return Notice.objects.filter(notice_scope(user), pk=notice.pk).exists()


def can_respond(user: Actor, notice: Notice) -> bool:
    roles = user_roles(user)
    if notice.department_id is not None:
        return bool(roles & {Role.DEPARTMENT_HEAD, Role.REVIEWER}) and user_department_id(user) == notice.department_id
    return bool(roles & {Role.CLERK, Role.DEPARTMENT_HEAD})


def is_overdue(notice: Notice, today: dt.date | None = None) -> bool:
    return notice.status in OPEN_NOTICE_STATUSES and notice.due_on < (today or clock.today())


def notices(*, user: Actor, status: str = "", overdue_only: bool = False) -> QuerySet[Notice]:
    qs = Notice.objects.filter(notice_scope(user)).select_related("department", "hall", "created_by")
    if status == "open":
        qs = qs.exclude(status=NoticeStatus.ACCEPTED)
    elif status in NoticeStatus.values:
        qs = qs.filter(status=status)
    if overdue_only:
        qs = qs.filter(status__in=OPEN_NOTICE_STATUSES, due_on__lt=clock.today())
    return qs.order_by("-year", "-seq")


def notice_detail(notice_id: int) -> Notice | None:
    return (Notice.objects.select_related("department", "hall", "created_by", "finding__inspection_result__point")
            .prefetch_related("events").filter(pk=notice_id).first())


def notice_counts(user: Actor) -> dict[str, int]:
    today = clock.today()
    return Notice.objects.filter(notice_scope(user)).aggregate(
        open=Count("pk", filter=~Q(status=NoticeStatus.ACCEPTED)),
        overdue=Count("pk", filter=Q(status__in=OPEN_NOTICE_STATUSES, due_on__lt=today)),
        responded=Count("pk", filter=Q(status=NoticeStatus.RESPONDED)),
        total=Count("pk"))


def findings(*, state: str = "open", monitor: str = "", kind: str = "", region: Region | None = None
             ) -> QuerySet[Finding]:
    """Findings, those of `region`'s departments and halls only when given (a scoped supervisor's view)."""
    qs = Finding.objects.select_related("department", "hall").filter(unit_region_q(region))
    if state in FindingState.values:
        qs = qs.filter(state=state)
    if monitor:
        qs = qs.filter(monitor=monitor)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-severity", "-last_seen", "-id")


def finding_counts(region: Region | None = None) -> dict[str, int]:
    return dict(Finding.objects.filter(unit_region_q(region), state=FindingState.OPEN).values_list("monitor")
                .annotate(n=Count("pk")).order_by())


def last_run() -> MonitorRun | None:
    return MonitorRun.objects.first()


def templates() -> QuerySet[ChecklistTemplate]:
    return ChecklistTemplate.objects.filter(active=True).annotate(n=Count("points"))


class InspectionCounts(TypedDict):
    failed: int
    marked: int
    points: int


def inspections(*, limit: int = 50, region: Region | None = None) -> list[WithAnnotations[Inspection, InspectionCounts]]:
    """The latest inspections (of `region`'s halls when given) with how many points they have, how many are
    marked and how many failed."""
    return list(Inspection.objects.select_related("hall", "template", "inspector__profile")
                .filter(region_q(region, "hall__region"))
                .annotate(failed=Count("results", filter=Q(results__passed=False)),
                          marked=Count("results", filter=Q(results__passed__isnull=False)),
                          points=Count("results"))[:limit])


def inspection_detail(inspection_id: int) -> Inspection | None:
    return Inspection.objects.select_related("hall", "template", "inspector__profile").filter(pk=inspection_id).first()


def inspection_for_user(user: Actor, inspection_id: int) -> Inspection | None:
    """An inspection of a hall the user may see (a Huli supervisor never opens a Fu'an inspection); else None."""
    insp = Inspection.objects.select_related("hall__region", "template", "inspector__profile").filter(
        pk=inspection_id).first()
    return insp if insp is not None and user_sees(user, insp.hall.region) else None


def halls_for(user: Actor) -> list[Any]:
    """The active halls a supervisor may inspect or address: those of their region (all when unscoped)."""
    from onewindow.hall.models import Hall

    return list(Hall.objects.filter(region_q(user_region(user)), active=True).order_by("sort_order", "code"))


def departments_for(user: Actor) -> list[Any]:
    """The departments a supervisor may address a notice to: those of their region (all when unscoped)."""
    from onewindow.catalog.models import Department

    return list(Department.objects.filter(region_q(user_region(user))).select_related("parent")
                .order_by("sort_order", "code"))


def inspection_results(inspection: Inspection) -> list[InspectionResult]:
    return list(inspection.results.select_related("point").prefetch_related("findings").order_by("point__order", "point_id"))


def notice_photo(notice: Notice) -> InspectionResult | None:
    """The photo of the failed inspection point a notice was raised from, if any (notice_detail loaded it)."""
    result = notice.finding.inspection_result if notice.finding is not None else None
    return result if result is not None and result.photo else None


def photo_for_user(user: Actor, result_id: int) -> InspectionResult | None:
    """A photo is seen by supervisors, and by the staff a notice raised from its finding is addressed to."""
    result = (InspectionResult.objects.select_related("inspection__hall__region").filter(pk=result_id)
              .exclude(photo="").first())
    if result is None:
        return None
    if is_supervisor(user) and user_sees(user, result.inspection.hall.region):
        return result
    allowed = Notice.objects.filter(notice_scope(user), finding__inspection_result=result).exists()
    return result if allowed else None


def street_district(user: Actor, code: str = "") -> Region | None:
    """The district whose streets a user reads ranked: `code` (a county-level region they may see), else the
    first district with streets inside their scope. None: not one they may see (the page and API answer 404)."""
    from onewindow.core.models import RegionLevel
    from onewindow.supervision.street_scores import districts_with_streets

    if code:
        district = Region.objects.filter(code=code.strip(), level=RegionLevel.COUNTY).first()
        return district if district is not None and user_sees(user, district) else None
    candidates = districts_with_streets(user_region(user))
    return candidates[0] if candidates else None


# ------------------------------------------------------------------------------------------ notice sources


def _source_pk(value: str) -> int:
    try:
        return int(value or 0)
    except ValueError:
        raise ServiceError(_("来源编号应为数字"), field="source_id") from None


def notice_source_defaults(source: str, source_id: str) -> dict[str, Any]:
    """What the source record of a notice tells: addressee, title, problem and evidence (read from the owning
    app's tables), to prefill the form and fill what the supervisor leaves empty. ServiceError for a bad id."""
    if source == NoticeSource.FINDING:
        return _finding_source(_source_pk(source_id))
    if source == NoticeSource.RATING:
        return _rating_source(_source_pk(source_id))
    if source == NoticeSource.SUGGESTION:
        return _suggestion_source(_source_pk(source_id))
    return {}


def _finding_source(pk: int) -> dict[str, Any]:
    f = Finding.objects.select_related("inspection_result__inspection").filter(pk=pk).first()
    if f is None:
        raise ServiceError(_("没有这条监测发现"), field="source_id")
    evidence = f"监测规则 {f.monitor}；对象 {f.target_label}；首次发现 {f.first_seen:%Y-%m-%d %H:%M}"
    if f.inspection_result is not None:
        evidence = f"现场检查 {f.inspection_result.inspection.number}：{f.message}"
    return {"finding": f, "department_id": f.department_id, "hall_id": f.hall_id, "title": f.target_label,
            "problem": f.message, "evidence": evidence}


def _rating_source(pk: int) -> dict[str, Any]:
    from onewindow.feedback.models import BAD_LEVELS, Rating

    r = Rating.objects.filter(pk=pk).first()
    if r is None or r.level not in BAD_LEVELS:
        raise ServiceError(_("没有这条差评"), field="source_id")
    return {"department_id": r.department_id, "hall_id": r.hall_id,
            "title": f"差评整改：{r.item_name or r.target_number}",
            "problem": f"{r.get_level_display()}：{r.text or '（未填写文字）'}",
            "evidence": f"评价 {r.target_number}，{r.rated_at:%Y-%m-%d %H:%M}，{r.hall_name} {r.counter_name}"}


def _suggestion_source(pk: int) -> dict[str, Any]:
    from onewindow.feedback.models import Suggestion

    s = Suggestion.objects.filter(pk=pk).first()
    if s is None:
        raise ServiceError(_("没有这条意见建议"), field="source_id")
    return {"department_id": s.department_id, "hall_id": None, "title": s.title or f"意见建议 {s.number}",
            "problem": s.description, "evidence": f"{s.number}，{s.received_at:%Y-%m-%d}，{s.get_channel_display()}"}


def scope_region(user: Actor, code: str = "") -> tuple[bool, Region | None]:
    """(allowed, region) a supervision figure is read for: `code` (one the user may see), else the user's own
    scope (None = unscoped). Not allowed: a region that does not exist or that the user may not see (404)."""
    if not code:
        return True, user_region(user)
    region = Region.objects.filter(code=code.strip()).first()
    return (True, region) if region is not None and user_sees(user, region) else (False, None)
