"""Third-party mystery inspections (评立改 "蹲守"): an agency under contract watches a hall over a covert period;
each visit is a supervision Inspection made through supervision's services with the 蹲守 checklist, so its failed
points become supervision Findings by supervision's own flow. Here only the agency, period and hall are kept."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from onewindow.core import clock
from onewindow.core.actors import Actor
from onewindow.core.audit import audit_log
from onewindow.core.errors import FieldProblem, NotFound, collect
from onewindow.hall.models import Hall
from onewindow.listening.models import Agency, MysteryVisit
from onewindow.listening.services.common import Keyed, clean_text, require_manager
from onewindow.supervision.models import ChecklistPoint, ChecklistTemplate
from onewindow.supervision.services.inspections import (
    checklist_point_save,
    checklist_template_save,
    inspection_record,
    inspection_start,
    inspection_submit,
)

TEMPLATE_CODE = "dunshou"
TEMPLATE_NAME = gettext_noop("评立改第三方蹲守检查表")
# (group, code, text): what an observer sitting in the hall can see without identifying themselves
POINTS = (
    ("discipline", "on-post", gettext_noop("窗口人员按时在岗，不脱岗、不串岗")),
    ("discipline", "first-ask", gettext_noop("首问负责，群众咨询有问必答、一次讲清")),
    ("discipline", "no-refusal", gettext_noop("不以材料不全等理由推诿，符合条件当场受理")),
    ("norms", "one-notice", gettext_noop("需补正材料时一次性告知")),
    ("attire", "badge", gettext_noop("着装规范、佩戴工作牌")),
    ("facilities", "self-service", gettext_noop("自助设备正常可用、有人引导")),
    ("cleanliness", "tidy", gettext_noop("等候区整洁，座椅饮水充足")),
    ("guides", "guide-match", gettext_noop("办事指南与窗口实际要求一致")),
)


@dataclass(frozen=True)
class PointResult:
    code: str
    passed: bool
    note: str = ""


def template_ensure(*, actor: Actor) -> ChecklistTemplate:
    """The 蹲守 checklist template, made once through supervision's checklist services."""
    template = ChecklistTemplate.objects.filter(code=TEMPLATE_CODE).first()
    if template is None:
        template = checklist_template_save(template=ChecklistTemplate(
            code=TEMPLATE_CODE, name=TEMPLATE_NAME, description=gettext_noop("第三方机构以普通办事群众身份在大厅蹲守观察")),
            actor=actor)
    have = set(template.points.values_list("code", flat=True))
    for order, (group, code, text) in enumerate(POINTS, 1):
        if code not in have:
            checklist_point_save(point=ChecklistPoint(template=template, group=group, code=code, text=text,
                                                      order=order), actor=actor)
    return template


def agency_save(*, name: str, contract_start: dt.date | None, contract_end: dt.date | None,
                actor: Actor) -> tuple[Agency, bool]:
    """Register a third-party agency (or change its contract period, found by name)."""
    require_manager(actor)
    problems: list[FieldProblem] = []
    name = clean_text(name, "name", limit=200)
    if contract_start is None:
        problems.append(FieldProblem("contract_start", _("请填写合同起始日期")))
    if contract_end is None or (contract_start is not None and contract_end < contract_start):
        problems.append(FieldProblem("contract_end", _("合同截止日期不能早于起始日期")))
    collect(problems, _("第三方机构信息有误"))
    with transaction.atomic():
        agency, created = Agency.objects.select_for_update().get_or_create(
            name=name, defaults={"contract_start": contract_start, "contract_end": contract_end,
                                 "created_at": clock.now()})
        if not created and (agency.contract_start, agency.contract_end) != (contract_start, contract_end):
            Agency.objects.filter(pk=agency.pk).update(contract_start=contract_start, contract_end=contract_end)
            agency.refresh_from_db()
        audit_log(actor=actor, action="listening.agency_save", target=agency, detail={"created": created})
    return agency, created


def visit_record(*, agency_id: int, hall_id: int, covert_from: dt.date | None, covert_to: dt.date | None,
                 results: list[PointResult], note: str = "", actor: Actor,
                 idempotency_key: str | None = None) -> tuple[MysteryVisit, bool]:
    """Record one 蹲守 visit: start an inspection with the 蹲守 template, mark every point, submit it (failed
    points become findings in supervision), and link it to the agency and covert period."""
    require_manager(actor)
    body = {"agency": agency_id, "hall": hall_id, "from": covert_from, "to": covert_to, "note": note,
            "results": [(r.code, r.passed, r.note) for r in results]}
    keyed = Keyed(idempotency_key, actor, body)
    found = keyed.existing(MysteryVisit)
    if found is not None:
        return found, False
    problems: list[FieldProblem] = []
    agency = Agency.objects.filter(pk=agency_id).first() if agency_id else None
    if agency is None:
        problems.append(FieldProblem("agency", _("请选择第三方机构")))
    hall = Hall.objects.filter(pk=hall_id).first() if hall_id else None
    if hall is None:
        problems.append(FieldProblem("hall", _("请选择大厅")))
    if covert_from is None or covert_to is None or covert_to < covert_from:
        problems.append(FieldProblem("covert_to", _("请填写蹲守起止日期（截止不早于起始）")))
    elif covert_to > clock.today():
        problems.append(FieldProblem("covert_to", _("蹲守截止日期不能晚于今天")))
    elif agency is not None and not (agency.contract_start <= covert_from and covert_to <= agency.contract_end):
        problems.append(FieldProblem("covert_from", _("蹲守期间须在机构合同期内")))
    collect(problems, _("蹲守记录有误"))
    assert agency is not None and hall is not None and covert_from is not None and covert_to is not None
    with transaction.atomic():
        template = template_ensure(actor=actor)
        points = {p.code: p.pk for p in template.points.all()}
        marked = {r.code: r for r in results}
        unknown = sorted(set(marked) - set(points))
        if unknown:
            collect([FieldProblem("results", _("检查表中没有这个检查点：%(c)s") % {"c": unknown[0]})],
                    _("蹲守记录有误"))
        inspection = inspection_start(hall_id=hall.pk, template_code=TEMPLATE_CODE, actor=actor)
        for code, point_id in points.items():
            r = marked.get(code)
            inspection_record(inspection_id=inspection.pk, point_id=point_id, passed=True if r is None else r.passed,
                              note=(r.note if r else "") or ("" if (r is None or r.passed) else gettext_noop("蹲守发现")),
                              actor=actor)
        inspection_submit(inspection_id=inspection.pk, note=note or f"{agency.name} · {covert_from}–{covert_to}",
                          actor=actor)
        visit = MysteryVisit.objects.create(agency=agency, inspection=inspection, hall=hall, covert_from=covert_from,
                                            covert_to=covert_to, created_at=clock.now(), **keyed.columns())
        audit_log(actor=actor, action="listening.mystery_visit", target=visit,
                  detail={"inspection": inspection.number, "failed": sum(1 for r in results if not r.passed)})
    return visit, True


def visit_get(visit_id: int) -> MysteryVisit:
    visit = MysteryVisit.objects.filter(pk=visit_id).first()
    if visit is None:
        raise NotFound(_("没有这次蹲守"), field="visit")
    return visit
