"""Supervision API under /api/v1/: inspections, findings, monitor runs, notices (create, respond, verify), scores.
Thin: schema in, one service/selector call, schema out."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from onewindow.core import clock
from onewindow.core.access import Role, allow
from onewindow.core.errors import Forbidden, NotFound
from onewindow.core.inputs import month_param
from onewindow.core.regions import user_region
from onewindow.supervision import rankings, scores, selectors
from onewindow.supervision.models import Finding, Inspection, Notice
from onewindow.supervision.monitors import MONITOR_TITLES, monitors_run
from onewindow.supervision.services.inspections import inspection_record, inspection_start, inspection_submit
from onewindow.supervision.services.notices import notice_create, notice_respond, notice_verify

router = Router()

SUPERVISOR = Role.SUPERVISOR
NOTICE_READERS = (Role.SUPERVISOR, Role.DEPARTMENT_HEAD, Role.REVIEWER, Role.CLERK)


class InspectionIn(Schema):
    hall_id: int
    template: str


class PointIn(Schema):
    passed: bool | None
    note: str = ""


class SubmitIn(Schema):
    note: str = ""


class NoticeIn(Schema):
    source: str = "manual"
    source_id: str = ""
    department_id: int | None = None
    hall_id: int | None = None
    title: str = ""
    problem: str = ""
    evidence: str = ""
    requirement: str = ""
    workdays: int | None = None


class RespondIn(Schema):
    response: str
    evidence: str = ""


class VerifyIn(Schema):
    accept: bool
    note: str = ""


def _inspection(i: Inspection) -> dict[str, Any]:
    return {"id": i.pk, "number": i.number, "hall": i.hall.code, "hall_name": i.hall.name, "template": i.template.code,
            "status": i.status, "started_at": i.started_at, "submitted_at": i.submitted_at}


def _finding(f: Finding) -> dict[str, Any]:
    return {"id": f.pk, "monitor": f.monitor, "title": str(MONITOR_TITLES.get(f.monitor, f.monitor)), "kind": f.kind,
            "severity": f.severity, "target_type": f.target_type, "target_id": f.target_id,
            "target": f.target_label, "message": f.message, "department_id": f.department_id, "hall_id": f.hall_id,
            "state": f.state, "first_seen": f.first_seen, "last_seen": f.last_seen, "resolved_at": f.resolved_at}


def _notice(n: Notice) -> dict[str, Any]:
    return {"id": n.pk, "number": n.number, "source": n.source, "source_id": n.source_id, "finding_id": n.finding_id,
            "department_id": n.department_id, "hall_id": n.hall_id, "addressee": n.addressee, "title": n.title,
            "problem": n.problem, "evidence": n.evidence, "requirement": n.requirement, "workdays": n.workdays,
            "issued_on": n.issued_on, "due_on": n.due_on, "due_provisional": n.due_provisional, "status": n.status,
            "overdue": selectors.is_overdue(n), "response": n.response, "response_evidence": n.response_evidence,
            "responded_at": n.responded_at, "verdict_note": n.verdict_note, "closed_at": n.closed_at,
            "on_time": n.on_time}


def _visible_notice(request: HttpRequest, notice_id: int) -> Notice:
    n = selectors.notice_detail(notice_id)
    if n is None or not selectors.can_view_notice(request.user, n):
        raise NotFound(_("没有这份整改通知单"), field="notice")
    return n


def _visible_inspection(request: HttpRequest, inspection_id: int) -> Inspection:
    i = selectors.inspection_for_user(request.user, inspection_id)
    if i is None:
        raise NotFound(_("没有这次现场检查"), field="inspection")
    return i


@router.get("inspections")
@allow(SUPERVISOR)
def list_inspections(request: HttpRequest) -> list[dict[str, Any]]:
    return [_inspection(i) | {"points": i.points, "failed": i.failed} for i in selectors.inspections(
        limit=200, region=user_region(request.user))]


@router.post("inspections", response={201: dict})
@allow(SUPERVISOR)
def start_inspection(request: HttpRequest, payload: InspectionIn) -> Status:
    i = inspection_start(hall_id=payload.hall_id, template_code=payload.template, actor=request.user)
    return Status(201, _inspection(i) | {"points": [{"id": r.point_id, "code": r.point.code, "group": r.point.group,
                                              "text": r.point.text} for r in selectors.inspection_results(i)]})


@router.post("inspections/{inspection_id}/points/{point_id}")
@allow(SUPERVISOR)
def record_point(request: HttpRequest, inspection_id: int, point_id: int, payload: PointIn) -> dict[str, Any]:
    _visible_inspection(request, inspection_id)
    r = inspection_record(inspection_id=inspection_id, point_id=point_id, passed=payload.passed,
                                   note=payload.note, actor=request.user)
    return {"point_id": r.point_id, "passed": r.passed, "note": r.note}


@router.post("inspections/{inspection_id}/submit")
@allow(SUPERVISOR)
def submit_inspection(request: HttpRequest, inspection_id: int, payload: SubmitIn) -> dict[str, Any]:
    _visible_inspection(request, inspection_id)
    i = inspection_submit(inspection_id=inspection_id, note=payload.note, actor=request.user)
    return _inspection(i) | {"findings": [_finding(f) for f in Finding.objects.filter(
        inspection_result__inspection=i).select_related("department", "hall")]}


@router.get("findings")
@allow(SUPERVISOR)
def list_findings(request: HttpRequest, state: str = "open", monitor: str = "", limit: int = 200,
                  offset: int = 0) -> dict[str, Any]:
    qs = selectors.findings(state=state, monitor=monitor, region=user_region(request.user))
    limit = max(1, min(limit, 1000))
    offset = max(0, min(offset, 1_000_000))
    return {"count": qs.count(), "items": [_finding(f) for f in qs[offset:offset + limit]]}


@router.post("monitors/run")
@allow(SUPERVISOR)
def run(request: HttpRequest) -> dict[str, Any]:
    r = monitors_run(trigger="manual")
    return {"id": r.pk, "opened": r.opened, "resolved": r.resolved, "still_open": r.still_open,
            "per_monitor": r.per_monitor}


@router.get("notices")
@allow(*NOTICE_READERS)
def list_notices(request: HttpRequest, status: str = "", overdue: bool = False) -> list[dict[str, Any]]:
    return [_notice(n) for n in selectors.notices(user=request.user, status=status, overdue_only=overdue)[:500]]


@router.post("notices", response={201: dict})
@allow(SUPERVISOR)
def create_notice(request: HttpRequest, payload: NoticeIn) -> Status:
    n = notice_create(actor=request.user, **payload.dict())
    return Status(201, _notice(_visible_notice(request, n.pk)))


@router.get("notices/{notice_id}")
@allow(*NOTICE_READERS)
def get_notice(request: HttpRequest, notice_id: int) -> dict[str, Any]:
    n = _visible_notice(request, notice_id)
    return _notice(n) | {"events": [{"action": e.action, "from": e.from_status, "to": e.to_status, "at": e.at,
                                     "note": e.reason} for e in n.events.all()]}


@router.post("notices/{notice_id}/respond")
@allow(Role.DEPARTMENT_HEAD, Role.REVIEWER, Role.CLERK)
def respond_notice(request: HttpRequest, notice_id: int, payload: RespondIn) -> dict[str, Any]:
    n = _visible_notice(request, notice_id)
    if not selectors.can_respond(request.user, n):
        raise Forbidden(_("只有整改单位可以反馈"), field="notice")
    return _notice(notice_respond(notice_id=n.pk, response=payload.response, evidence=payload.evidence,
                                           actor=request.user))


@router.post("notices/{notice_id}/verify")
@allow(SUPERVISOR)
def verify_notice(request: HttpRequest, notice_id: int, payload: VerifyIn) -> dict[str, Any]:
    return _notice(notice_verify(notice_id=notice_id, accept=payload.accept, note=payload.note,
                                          actor=request.user))


@router.get("scores")
@allow(SUPERVISOR, Role.DEPARTMENT_HEAD)
def get_scores(request: HttpRequest, month: str = "", recompute: bool = False) -> dict[str, Any]:
    first = month_param(month, "month", default=clock.today().replace(day=1))
    if recompute and selectors.is_supervisor(request.user):
        rankings.scores_compute(month=first)
    region = user_region(request.user)
    rows = scores.ranking(month=first, region=region)
    return {"month": f"{first:%Y-%m}", "published": scores.is_published(first),
            "weights": rows[0].weights if rows else scores.active_weights(),
            "items": [{"rank": s.rank, "department": s.department.code, "department_name": s.department.name,
                       "total": float(s.total), "parts": {p: s.parts.get(p) for p in scores.PARTS},
                       "counts": s.parts.get("counts", {})} for s in rows],
            "unranked": [{"department": d.code, "department_name": d.name, "total": None}
                         for d in scores.unranked(month=first, region=region)]}


@router.get("scores/streets")
@allow(SUPERVISOR, Role.DEPARTMENT_HEAD)
def get_street_scores(request: HttpRequest, month: str = "", district: str = "") -> dict[str, Any]:
    """The streets of one district ranked (?district=<code>, default the first district of the user's scope);
    a district the user may not see is a 404 naming `district`. Streets with no data have `total: null`."""
    from onewindow.supervision import street_scores

    first = month_param(month, "month", default=clock.today().replace(day=1))
    scope = selectors.street_district(request.user, district)
    if scope is None:
        raise NotFound(_("没有这个区县，或不在您的管辖范围内"), field="district")
    rows = street_scores.street_ranking(month=first, district=scope)
    return {"month": f"{first:%Y-%m}", "district": scope.code, "district_name": scope.name,
            "published": scores.is_published(first),
            "weights": {p: (rows[0].weights if rows else scores.active_weights()).get(p, 0)
                        for p in (*street_scores.STREET_PARTS, "notice_penalty")},
            "formulas": {k: str(v) for k, v in street_scores.street_formulas().items()},
            "items": [{"rank": s.rank, "street": s.street.code, "street_name": s.street.name,
                       "total": float(s.total), "parts": {p: s.parts.get(p) for p in street_scores.STREET_PARTS},
                       "counts": s.parts.get("counts", {})} for s in rows],
            "unranked": [{"street": r.code, "street_name": r.name, "total": None}
                         for r in street_scores.street_unranked(month=first, district=scope)]}


@router.get("supervision/year")
@allow(SUPERVISOR)
def get_year(request: HttpRequest, year: int | None = None, region: str = "") -> dict[str, Any]:
    """A year of supervision for a region (default: the caller's scope): notices issued by unit level, accepted
    and on time; monitoring days and the items and halls the runs watched. A region outside the caller's scope
    is a 404 naming `region`."""
    from onewindow.core.inputs import int_param
    from onewindow.supervision import yearly

    today = clock.today()
    wanted = int_param(year, "year", default=today.year, lo=2000, hi=today.year) or today.year
    allowed, scope = selectors.scope_region(request.user, region)
    if not allowed:
        raise NotFound(_("没有这个区划，或不在您的管辖范围内"), field="region")
    return yearly.year_figures(year=wanted, region=scope) | {
        "formulas": {k: str(v) for k, v in yearly.FORMULAS.items()}}
