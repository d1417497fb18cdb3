"""Supervision pages: overview, findings and monitor runs, inspections (phone-friendly), rectification notices
(with PDF), the department ranking (Excel, publish) and its public page. Views are thin: one service or
selector call each."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from onewindow.core import clock
from onewindow.core.access import PUBLIC, Role, allow
from onewindow.core.errors import ServiceError
from onewindow.core.excel import xlsx_response
from onewindow.core.inputs import int_param, month_param, page_param, safe_next
from onewindow.core.pdf import PdfDocument, pdf_response
from onewindow.core.regions import region_by_code, user_region
from onewindow.supervision import rankings, scores, selectors
from onewindow.supervision.conf import conf_int, conf_str
from onewindow.supervision.models import Inspection, Notice, NoticeSource, NoticeStatus, PointGroup
from onewindow.supervision.monitors import MONITOR_TITLES, monitors_run
from onewindow.supervision.services.inspections import inspection_record, inspection_start, inspection_submit
from onewindow.supervision.services.notices import notice_create, notice_respond, notice_verify
from onewindow.supervision.services.ranking import ranking_publish

SUPERVISOR = Role.SUPERVISOR
NOTICE_READERS = (Role.SUPERVISOR, Role.DEPARTMENT_HEAD, Role.REVIEWER, Role.CLERK)
EVENT_LABELS = {"issued": gettext_lazy("下发"), "responded": gettext_lazy("反馈整改情况"), "returned": gettext_lazy("退回"),
                "accepted": gettext_lazy("验收通过")}


def _errors(exc: ServiceError) -> dict[str, str]:
    return {p.field or "__all__": str(p.message) for p in exc.problems}


def _month(value: str | None) -> dt.date:
    return month_param(value, "month", default=clock.today().replace(day=1))


# ------------------------------------------------------------------------------------------ overview


@allow(SUPERVISOR)
def home(request: HttpRequest) -> HttpResponse:
    counts = selectors.finding_counts(user_region(request.user))
    monitors = [{"code": code, "title": title, "open": counts.get(code, 0)} for code, title in MONITOR_TITLES.items()]
    return render(request, "supervision/home.html", {
        "monitors": monitors, "open_findings": sum(counts.values()), "run": selectors.last_run(),
        "notice_counts": selectors.notice_counts(request.user),
        "inspections": selectors.inspections(limit=5, region=user_region(request.user))})


@allow(SUPERVISOR)
def run_monitors(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("supervision:home")
    run = monitors_run(trigger="manual")
    messages.success(request, _("监测完成：新发现 %(o)d 条，已解决 %(r)d 条，仍存在 %(s)d 条")
                     % {"o": run.opened, "r": run.resolved, "s": run.still_open})
    return redirect(safe_next(request, request.POST.get("next"), reverse("supervision:home")))


@allow(SUPERVISOR)
def findings(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "open")
    monitor = request.GET.get("monitor", "")
    page = Paginator(selectors.findings(state=state, monitor=monitor, region=user_region(request.user)),
                     50).get_page(page_param(request.GET.get("page")))
    return render(request, "supervision/findings.html", {
        "page": page, "state": state, "monitor": monitor, "titles": MONITOR_TITLES,
        "formulas": scores.finding_formulas()})


# ------------------------------------------------------------------------------------------ inspections


@allow(SUPERVISOR)
def inspections(request: HttpRequest) -> HttpResponse:
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            insp = inspection_start(hall_id=int_param(request.POST.get("hall"), "hall", default=0, lo=0) or 0,
                                    template_code=request.POST.get("template", ""), actor=request.user)
            return redirect("supervision:inspection", insp.pk)
        except (ServiceError, ValueError) as exc:
            errors = _errors(exc) if isinstance(exc, ServiceError) else {"hall": _("请选择被检查的大厅")}
    return render(request, "supervision/inspections.html", {
        "rows": selectors.inspections(region=user_region(request.user)), "halls": selectors.halls_for(request.user),
        "templates": selectors.templates(), "errors": errors})


def _inspection_post(request: HttpRequest, insp: Inspection) -> HttpResponse:
    """Submit the inspection, or record one point (its verdict, note and photo)."""
    if request.POST.get("action") == "submit":
        inspection_submit(inspection_id=insp.pk, note=request.POST.get("note", ""), actor=request.user)
        messages.success(request, _("检查已提交，不合格项已转为监测发现"))
        return redirect("supervision:inspection", insp.pk)
    point = int_param(request.POST.get("point"), "point", default=0, lo=0) or 0
    inspection_record(inspection_id=insp.pk, point_id=point,
                      passed={"yes": True, "no": False}.get(request.POST.get("passed", "")),
                      note=request.POST.get("note", ""), photo=request.FILES.get("photo"), actor=request.user)
    return redirect(f"{reverse('supervision:inspection', args=[insp.pk])}#p{point}")


@allow(SUPERVISOR)
def inspection(request: HttpRequest, pk: int) -> HttpResponse:
    insp = selectors.inspection_for_user(request.user, pk)
    if insp is None:
        raise Http404
    errors: dict[str, str] = {}
    error_point: int | None = None
    if request.method == "POST":
        try:
            return _inspection_post(request, insp)
        except ServiceError as exc:
            errors = _errors(exc)
            point = request.POST.get("point", "")
            error_point = int(point) if point.isdigit() else None  # the point whose form shows the errors
            messages.error(request, exc.message)
    results = selectors.inspection_results(insp)
    groups: list[dict[str, Any]] = []
    for r in results:
        if not groups or groups[-1]["code"] != r.point.group:
            groups.append({"code": r.point.group, "label": PointGroup(r.point.group).label, "results": []})
        groups[-1]["results"].append(r)
    return render(request, "supervision/inspection.html", {
        "insp": insp, "groups": groups, "errors": errors, "error_point": error_point,
        "marked": sum(1 for r in results if r.passed is not None), "total": len(results),
        "failed": sum(1 for r in results if r.passed is False)}, status=400 if errors else 200)


@allow(*NOTICE_READERS)
def photo(request: HttpRequest, pk: int) -> HttpResponseBase:
    result = selectors.photo_for_user(request.user, pk)
    if result is None:
        raise Http404
    response = FileResponse(result.photo.open("rb"), content_type=result.photo_type or "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, max-age=600"
    return response


# ------------------------------------------------------------------------------------------ notices


@allow(*NOTICE_READERS)
def notices(request: HttpRequest) -> HttpResponse:
    view = request.GET.get("view", "open")
    qs = selectors.notices(user=request.user, status="open" if view == "open" else "",
                           overdue_only=view == "overdue")
    page = Paginator(qs, 30).get_page(page_param(request.GET.get("page")))
    today = clock.today()
    return render(request, "supervision/notices.html", {
        "page": page, "view": view, "counts": selectors.notice_counts(request.user),
        "rows": [{"n": n, "overdue": selectors.is_overdue(n, today)} for n in page],
        "is_supervisor": selectors.is_supervisor(request.user)})


@allow(SUPERVISOR)
def notice_new(request: HttpRequest) -> HttpResponse:
    source = request.GET.get("source") or request.POST.get("source") or NoticeSource.MANUAL
    source_id = request.GET.get("source_id") or request.POST.get("source_id") or ""
    values: dict[str, Any] = {"workdays": conf_int("NOTICE_DEFAULT_WORKDAYS")}
    errors: dict[str, str] = {}
    try:
        values |= {k: v for k, v in selectors.notice_source_defaults(source, source_id).items() if k != "finding"}
    except ServiceError as exc:
        errors = _errors(exc)
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in ("title", "problem", "evidence", "requirement", "workdays",
                                                         "department_id", "hall_id")}
        try:
            workdays = int_param(values["workdays"], "workdays", default=0, lo=0, hi=10_000) or 0
            notice = notice_create(
                source=source, source_id=source_id, department_id=int_param(values["department_id"], "department_id"),
                hall_id=int_param(values["hall_id"], "hall_id"), title=values["title"], problem=values["problem"],
                evidence=values["evidence"], requirement=values["requirement"], workdays=workdays, actor=request.user)
            messages.success(request, _("整改通知单 %(n)s 已下发") % {"n": notice.number})
            return redirect("supervision:notice", notice.pk)
        except ServiceError as exc:
            errors = _errors(exc)
    return render(request, "supervision/notice_new.html", {
        "source": source, "source_id": source_id, "source_label": NoticeSource(source).label
        if source in NoticeSource.values else source, "values": values, "errors": errors,
        "departments": selectors.departments_for(request.user), "halls": selectors.halls_for(request.user)},
        status=400 if errors and request.method == "POST" else 200)


def _notice_post(request: HttpRequest, n: Notice) -> HttpResponse:
    """The unit answers, or the supervisor accepts or returns (403 for anyone else)."""
    action = request.POST.get("action", "")
    if action == "respond":
        if not selectors.can_respond(request.user, n):
            raise ServiceError(_("只有整改单位可以反馈"), field="response", status=403)
        notice_respond(notice_id=n.pk, response=request.POST.get("response", ""),
                       evidence=request.POST.get("evidence", ""), actor=request.user)
        messages.success(request, _("已反馈整改情况，等待督查验收"))
    elif action in ("accept", "return"):
        if not selectors.is_supervisor(request.user):
            raise ServiceError(_("只有督查人员可以验收"), field="note", status=403)
        notice_verify(notice_id=n.pk, accept=action == "accept", note=request.POST.get("note", ""),
                      actor=request.user)
        messages.success(request, _("已验收办结") if action == "accept" else _("已退回整改单位"))
    return redirect("supervision:notice", n.pk)


@allow(*NOTICE_READERS)
def notice(request: HttpRequest, pk: int) -> HttpResponse:
    n = selectors.notice_detail(pk)
    if n is None or not selectors.can_view_notice(request.user, n):
        raise Http404
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            return _notice_post(request, n)
        except ServiceError as exc:
            errors = _errors(exc)
            messages.error(request, exc.message)
    return render(request, "supervision/notice.html", {
        "n": n, "overdue": selectors.is_overdue(n),
        "events": [{"e": e, "label": EVENT_LABELS.get(e.action, e.action)} for e in n.events.all()], "errors": errors,
        "can_respond": selectors.can_respond(request.user, n) and n.status in (NoticeStatus.ISSUED,
                                                                             NoticeStatus.RETURNED),
        "can_verify": selectors.is_supervisor(request.user) and n.status == NoticeStatus.RESPONDED,
        "photo": selectors.notice_photo(n)}, status=400 if errors else 200)


@allow(*NOTICE_READERS)
def notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    n = selectors.notice_detail(pk)
    if n is None or not selectors.can_view_notice(request.user, n):
        raise Http404
    doc = PdfDocument(_("整改通知单"), n.number, author=conf_str("NOTICE_ISSUER"))
    doc.facts([
        (_("整改单位"), n.addressee), (_("标题"), n.title), (_("下发日期"), f"{n.issued_on:%Y年%m月%d日}"),
        (_("整改期限"), f"{n.due_on:%Y年%m月%d日}（{n.workdays} 个工作日）" + ("（暂定）" if n.due_provisional else "")),
        (_("来源"), n.get_source_display()), (_("状态"), n.get_status_display())])
    doc.heading(_("存在问题")).paragraph(n.problem)
    if n.evidence:
        doc.heading(_("问题依据")).paragraph(n.evidence)
    doc.heading(_("整改要求")).paragraph(n.requirement or _("请于整改期限内完成整改，并将整改情况及佐证材料反馈督查部门。"))
    if n.response:
        doc.heading(_("整改情况")).paragraph(n.response)
        if n.response_evidence:
            doc.paragraph(_("佐证：") + n.response_evidence)
    if n.verdict_note:
        doc.heading(_("验收意见")).paragraph(n.verdict_note)
    doc.heading(_("办理记录")).table(
        [_("时间"), _("环节"), _("说明")],
        [[timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M"), EVENT_LABELS.get(e.action, e.action), e.reason]
         for e in n.events.all()],
        col_widths=[0.25, 0.15, 0.6])
    return pdf_response(doc.render(), f"{n.number}.pdf")


# ------------------------------------------------------------------------------------------ ranking


def _ranking_context(month: dt.date, region: Any = None) -> dict[str, Any]:
    rows = scores.ranking(month=month, region=region)
    return {"month": month, "rows": rows, "labels": {k: _(v) for k, v in scores.PART_LABELS.items()}, "parts": scores.PARTS,
            "weights": rows[0].weights if rows else scores.active_weights(), "published": scores.is_published(month),
            "unranked": scores.unranked(month=month, region=region), "formulas": scores.part_formulas(),
            "region": region}


@allow(SUPERVISOR, Role.DEPARTMENT_HEAD)
def ranking(request: HttpRequest) -> HttpResponse:
    month = _month(request.GET.get("month") or request.POST.get("month"))
    if request.method == "POST" and selectors.is_supervisor(request.user):
        action = request.POST.get("action", "")
        try:
            if action in ("publish", "unpublish"):
                ranking_publish(month=month, published=action == "publish", actor=request.user)
                messages.success(request, _("已向社会公布") if action == "publish" else _("已撤回公布"))
            else:
                rankings.scores_compute(month=month)
                messages.success(request, _("已重新计算"))
        except ServiceError as exc:
            messages.error(request, exc.message)
        return redirect(f"{reverse('supervision:ranking')}?month={month:%Y-%m}")
    if not scores.is_published(month) and month.replace(day=1) == clock.today().replace(day=1):
        rankings.scores_compute(month=month)  # the current month is live until published
    ctx = _ranking_context(month, user_region(request.user))
    ctx["is_supervisor"] = selectors.is_supervisor(request.user)
    return render(request, "supervision/ranking.html", ctx)


def _street_context(month: dt.date, district: Any) -> dict[str, Any]:
    from onewindow.supervision import street_scores

    rows = street_scores.street_ranking(month=month, district=district)
    return {"district": district, "street_rows": rows,
            "street_unranked": street_scores.street_unranked(month=month, district=district),
            "street_parts": street_scores.STREET_PARTS,
            "street_labels": {k: _(v) for k, v in street_scores.STREET_PART_LABELS.items()},
            "street_weights": rows[0].weights if rows else scores.active_weights(),
            "street_formulas": street_scores.street_formulas()}


@allow(SUPERVISOR, Role.DEPARTMENT_HEAD)
def street_ranking(request: HttpRequest) -> HttpResponse:
    """The streets of one district ranked (?district=<code>; a district the user may not see is a 404)."""
    from onewindow.supervision.street_scores import districts_with_streets

    month = _month(request.GET.get("month") or request.POST.get("month"))
    district = selectors.street_district(request.user, request.GET.get("district") or request.POST.get("district")
                                         or "")
    if district is None and (request.GET.get("district") or request.POST.get("district")):
        raise Http404
    if district is None:  # no district with streets in the user's scope yet: say so rather than answer 404
        return render(request, "supervision/street_ranking.html",
                      {"month": month, "district": None, "is_supervisor": selectors.is_supervisor(request.user)})
    if request.method == "POST" and selectors.is_supervisor(request.user):
        try:
            rankings.scores_compute(month=month)
            messages.success(request, _("已重新计算"))
        except ServiceError as exc:
            messages.error(request, exc.message)
        return redirect(f"{reverse('supervision:street_ranking')}?month={month:%Y-%m}&district={district.code}")
    published = scores.is_published(month)
    if not published and month.replace(day=1) == clock.today().replace(day=1):
        rankings.scores_compute(month=month)  # the current month is live until published
    ctx = _street_context(month, district) | {
        "month": month, "published": published, "is_supervisor": selectors.is_supervisor(request.user),
        "districts": districts_with_streets(user_region(request.user))}
    return render(request, "supervision/street_ranking.html", ctx)


def _fmt(v: Any) -> str:
    return "—" if v is None else f"{v:.1f}"


@allow(SUPERVISOR, Role.DEPARTMENT_HEAD)
def ranking_export(request: HttpRequest) -> HttpResponse:
    month = _month(request.GET.get("month"))
    ctx = _ranking_context(month, user_region(request.user))
    w = ctx["weights"]
    english = (get_language() or "").startswith("en")  # English part labels and department names where they exist
    headers = [_("排名"), _("部门"), _("综合得分")] + [
        _("%(part)s（权重%(weight)s）") % {"part": _(scores.PART_LABELS[p]), "weight": w.get(p, 0)}
        for p in scores.PARTS] + [
        _("办结件数"), _("按时办结"), _("评价数"), _("差评数"), _("整改通知"), _("即办件/事项")]
    rows = []
    for s in ctx["rows"]:
        c = s.parts.get("counts", {})
        name = s.department.name_en if english and s.department.name_en else s.department.name
        rows.append([s.rank, name, float(s.total)] + [s.parts.get(p) for p in scores.PARTS] + [
            c.get("completed"), c.get("completed_on_time"), c.get("ratings"), c.get("bad"), c.get("notices"),
            f"{c.get('instant_items', 0)}/{c.get('items', 0)}"])
    notes = [[p, _(scores.PART_LABELS[p]), w.get(p, 0)] for p in scores.PARTS]
    return xlsx_response(_("部门综合评分%(month)s.xlsx") % {"month": f"{month:%Y-%m}"}, {
        f"{month:%Y-%m}": (headers, rows), _("权重"): ([_("分项"), _("名称"), _("权重")], notes)})


@allow(PUBLIC)
def public_ranking(request: HttpRequest) -> HttpResponse:
    months = scores.published_months()
    wanted = _month(request.GET.get("month")) if request.GET.get("month") else (months[0] if months else None)
    if wanted is not None and wanted not in months:
        raise Http404
    region = region_by_code(request.GET.get("region", ""))  # ?region=350206: one district's published ranking
    ctx = _ranking_context(wanted, region) if wanted else {"rows": [], "month": None}
    ctx["months"] = months
    if wanted is not None:  # the published street rankings: each district's (the one asked for, or every one)
        from onewindow.supervision.street_scores import districts_with_streets

        tables = [_street_context(wanted, d) for d in districts_with_streets(region)]
        ctx["street_tables"] = [t for t in tables if t["street_rows"] or t["street_unranked"]]
    return render(request, "supervision/public_ranking.html", ctx)
