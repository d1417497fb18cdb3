"""Organisation and members: coverage (public), party organisations, the tree, members and report-in, teams,
and the monthly two-way feedback to members' employers."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from onewindow.community import access
from onewindow.community.api.common import READERS, WORKER, get_object, window
from onewindow.community.models import CoBuildingUnit, Compound, Member
from onewindow.community.selectors import feedback as feedback_selectors
from onewindow.community.selectors import members as member_selectors
from onewindow.community.selectors import organisation as organisation_selectors
from onewindow.community.services import members as member_services
from onewindow.core.access import PUBLIC, Role, allow
from onewindow.core.audit import audit_log
from onewindow.core.errors import NotFound, ServiceError
from onewindow.core.inputs import Id

router = Router()


@router.get("coverage", summary="党组织覆盖统计（全区、街道、社区）")
@allow(PUBLIC)
def coverage(request: HttpRequest) -> dict[str, Any]:
    return organisation_selectors.coverage().as_dict()


@router.get("organisations", summary="党组织")
@allow(*READERS)
def organisations(request: HttpRequest, kind: str = "", community_id: Id | None = None) -> list[dict[str, Any]]:
    return [{"id": o.pk, "kind": o.kind, "form": o.form, "name": o.name, "secretary": o.secretary,
             "community": o.community.name if o.community else None,
             "compounds": [c.name for c in o.compounds.all()]}
            for o in organisation_selectors.party_orgs(kind=kind, community_id=community_id)]


@router.get("tree", summary="组织树：街道 → 社区 → 小区")
@allow(*READERS)
def tree(request: HttpRequest) -> list[dict[str, Any]]:
    return [{"id": s.pk, "name": s.name, "communities": [
        {"id": c.pk, "name": c.name, "grids": [g.name for g in c.grids.all()],
         "compounds": [{"id": cp.pk, "name": cp.name, "households": cp.households,
                        "buildings": getattr(cp, "n_buildings", 0),
                        "branches": [b.name for b in cp.branches.all()]} for cp in c.compounds.all()]}
        for c in s.communities.all()]} for s in organisation_selectors.tree()]


class MemberIn(Schema):
    name: str = Field(..., min_length=1, max_length=30)
    category: str
    home_compound_id: int
    phone: str = ""
    employer_id: int | None = None
    skills: str = ""


@router.get("members", summary="党员（列表中姓名、手机号已脱敏）")
@allow(*READERS)
def members_list(request: HttpRequest, q: str = "", category: str = "", community_id: Id | None = None,
                 team_id: Id | None = None, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    qs = member_selectors.members(q=q, category=category, community_id=community_id, team_id=team_id)
    return {"count": qs.count(), "items": [member_selectors.member_row(m) for m in qs[window(limit, offset)]]}


@router.post("members", response={201: dict}, summary="新建党员档案")
@allow(WORKER)
def members_create(request: HttpRequest, payload: MemberIn) -> Status:
    employer = get_object(CoBuildingUnit, payload.employer_id, "employer_id") if payload.employer_id else None
    m = member_services.member_create(
        name=payload.name, category=payload.category, phone=payload.phone, employer=employer,
        home_compound=get_object(Compound, payload.home_compound_id, "home_compound_id"), skills=payload.skills,
        actor=request.user)
    return Status(201, member_selectors.member_row(member_selectors.members().get(pk=m.pk)))


@router.post("members/{member_id}/report-in", summary="党员到社区报到（志愿者只能为本人报到）")
@allow(WORKER, Role.VOLUNTEER)
def members_report_in(request: HttpRequest, member_id: int) -> dict[str, Any]:
    member = get_object(Member, member_id, "member_id")
    if not access.can_act_for_member(request.user, member):
        raise NotFound(_("%(what)s %(id)s 不存在") % {"what": Member._meta.verbose_name, "id": member_id},
                       field="member_id")
    member = member_services.member_report_in(member=member, actor=request.user)
    return {"id": member.pk, "reported_at": member.reported_at.isoformat() if member.reported_at else None,
            "community": member.reported_community.name if member.reported_community else None}


@router.get("teams", summary="志愿服务队")
@allow(*READERS, Role.VOLUNTEER)
def teams(request: HttpRequest) -> list[dict[str, Any]]:
    return [{"id": t.pk, "name": t.name, "field": t.field, "community": t.community.name if t.community else None,
             "members": getattr(t, "n_members", 0)} for t in member_selectors.teams()]


@router.get("feedback/{employer_id}/{month}", summary="双向反馈：单位在职党员当月社区服务情况")
@allow(*READERS)
def feedback(request: HttpRequest, employer_id: int, month: str) -> dict[str, Any]:
    employer = get_object(CoBuildingUnit, employer_id, "employer_id")
    try:
        data = feedback_selectors.feedback_report(employer=employer, month=month)
    except ValueError:
        raise ServiceError(_("月份格式应为 YYYY-MM"), field="month") from None
    audit_log(actor=request.user, action="community.feedback_report", target=employer, detail={"month": month})
    return {"employer": employer.name, "month": month, "totals": data["totals"], "rows": data["rows"]}
