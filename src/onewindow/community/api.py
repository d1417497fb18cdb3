"""JSON API under /api/v1/community/: organisation and coverage, members, menu, orders and their actions,
accounts and statements, transfers, matters, proposals, events. Errors answer the common shape
{"detail": …, "errors": [{"field": …, "message": …}]}.

Transfers (donation, redemption) need an `Idempotency-Key` header: a retry with the same key and the same body
returns the first transfer (200) instead of moving minutes twice; the same key with another body is a 409. Keys
are scoped to the signed-in caller (onewindow.core.idempotency), so another person's key finds nothing.

Records taken by id that belong to someone (orders, accounts, member report-in) answer 404 to anyone who may not
see them — the same answer as for a record that does not exist (see community/access.py).
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from onewindow.core.access import PUBLIC, SIGNED_IN, Role, allow, has_role
from onewindow.core.audit import audit_log
from onewindow.core.errors import Forbidden, NotFound, ServiceError
from onewindow.core.idempotency import clean_key, idempotency_scope
from onewindow.core.inputs import Id

from . import access, selectors, services
from .models import (
    Account,
    CoBuildingUnit,
    Community,
    Compound,
    Matter,
    Member,
    MenuItem,
    Order,
    Proposal,
    Team,
    ThemeEvent,
    Transfer,
)

router = Router()

WORKER = Role.COMMUNITY_WORKER
READERS = (Role.COMMUNITY_WORKER, Role.SUPERVISOR)


def _obj(model: Any, pk: int, field: str) -> Any:
    obj = model.objects.filter(pk=pk).first() if 0 < pk < 2**63 else None
    if obj is None:
        raise NotFound(f"{model._meta.verbose_name} {pk} 不存在", field=field)
    return obj


# ------------------------------------------------------------------ serialisers


def order_dict(o: Order, *, events: bool = False) -> dict[str, Any]:
    d: dict[str, Any] = {
        "id": o.pk, "number": o.number, "menu_item": o.menu_item.name, "category": o.menu_item.category,
        "suggested_minutes": o.menu_item.suggested_minutes,
        "compound": o.compound.name, "compound_id": o.compound_id, "service_date": o.service_date.isoformat(),
        "description": o.description, "requester_kind": o.requester_kind, "status": o.status,
        "status_label": str(o.get_status_display()), "taker_member_id": o.taker_member_id,
        "taker_team_id": o.taker_team_id, "minutes": o.minutes, "claimed_minutes": o.claimed_minutes,
        "rating": o.rating, "created_at": o.created_at.isoformat(),
    }
    if events:
        d["events"] = [{"at": e.at.isoformat(), "action": e.action, "from": e.from_status, "to": e.to_status,
                        "note": e.note} for e in o.events.all()]
    return d


def transfer_dict(t: Transfer) -> dict[str, Any]:
    return {"id": t.pk, "kind": t.kind, "reason": t.reason, "created_at": t.created_at.isoformat(),
            "order_id": t.order_id, "reverses": t.reverses_id,
            "entries": [{"account_id": e.account_id, "amount": e.amount} for e in t.entries.all()]}


def account_dict(a: Account) -> dict[str, Any]:
    return {"id": a.pk, "kind": a.kind, "name": a.name, "balance": a.balance}


def _statement_rows(account: Account) -> list[dict[str, Any]]:
    return [{**r, "at": r["at"].isoformat(), "kind_label": str(r["kind_label"])}
            for r in selectors.statement(account)]


# ------------------------------------------------------------------ organisation


@router.get("coverage", summary="党组织覆盖统计（全区、街道、社区）")
@allow(PUBLIC)
def coverage(request: HttpRequest) -> dict[str, Any]:
    return selectors.coverage().as_dict()


@router.get("organisations", summary="党组织")
@allow(*READERS)
def organisations(request: HttpRequest, kind: str = "", community_id: Id | None = None) -> list[dict[str, Any]]:
    return [{"id": o.pk, "kind": o.kind, "form": o.form, "name": o.name, "secretary": o.secretary,
             "community": o.community.name if o.community_id else None,
             "compounds": [c.name for c in o.compounds.all()]}
            for o in selectors.party_orgs(kind=kind, community_id=community_id)]


@router.get("tree", summary="组织树：街道 → 社区 → 小区")
@allow(*READERS)
def tree(request: HttpRequest) -> list[dict[str, Any]]:
    return [{"id": s.pk, "name": s.name, "communities": [
        {"id": c.pk, "name": c.name, "grids": [g.name for g in c.grids.all()],
         "compounds": [{"id": cp.pk, "name": cp.name, "households": cp.households, "buildings": cp.n_buildings,
                        "branches": [b.name for b in cp.branches.all()]} for cp in c.compounds.all()]}
        for c in s.communities.all()]} for s in selectors.tree()]


# ------------------------------------------------------------------ members and teams


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
    limit = max(1, min(limit, 200))
    offset = max(0, min(offset, 1_000_000))
    qs = selectors.members(q=q, category=category, community_id=community_id, team_id=team_id)
    return {"count": qs.count(), "items": [selectors.member_row(m) for m in qs[offset:offset + limit]]}


@router.post("members", response={201: dict}, summary="新建党员档案")
@allow(WORKER)
def members_create(request: HttpRequest, payload: MemberIn) -> Status:
    employer = _obj(CoBuildingUnit, payload.employer_id, "employer_id") if payload.employer_id else None
    m = services.member_create(name=payload.name, category=payload.category, phone=payload.phone,
                               home_compound=_obj(Compound, payload.home_compound_id, "home_compound_id"),
                               employer=employer, skills=payload.skills, actor=request.user)
    m = selectors.members().get(pk=m.pk)
    return Status(201, selectors.member_row(m))


@router.post("members/{member_id}/report-in", summary="党员到社区报到（志愿者只能为本人报到）")
@allow(WORKER, Role.VOLUNTEER)
def members_report_in(request: HttpRequest, member_id: int) -> dict[str, Any]:
    member = _obj(Member, member_id, "member_id")
    if not access.can_act_for_member(request.user, member):
        raise NotFound(f"{Member._meta.verbose_name} {member_id} 不存在", field="member_id")
    member = services.member_report_in(member=member, actor=request.user)
    return {"id": member.pk, "reported_at": member.reported_at.isoformat(),
            "community": member.reported_community.name}


@router.get("teams", summary="志愿服务队")
@allow(*READERS, Role.VOLUNTEER)
def teams(request: HttpRequest) -> list[dict[str, Any]]:
    return [{"id": t.pk, "name": t.name, "field": t.field, "community": t.community.name if t.community else None,
             "members": t.n_members} for t in selectors.teams()]


@router.get("menu", summary="服务菜单")
@allow(PUBLIC)
def menu(request: HttpRequest) -> list[dict[str, Any]]:
    return [{"id": i.pk, "name": i.name, "category": i.category, "category_label": str(i.get_category_display()),
             "suggested_minutes": i.suggested_minutes, "description": i.description} for i in selectors.menu()]


# ------------------------------------------------------------------ orders


class OrderIn(Schema):
    menu_item_id: int
    compound_id: int
    service_date: dt.date
    requester_kind: str = "resident"
    description: str = Field("", max_length=300)
    requester_name: str = ""


class TakeIn(Schema):
    team_id: int | None = None


class NoteIn(Schema):
    note: str = ""


class ConfirmIn(Schema):
    minutes: int
    rating: int
    note: str = ""


class ApproveIn(Schema):
    minutes: int
    note: str = ""


class ReasonIn(Schema):
    reason: str


class ResolveIn(Schema):
    minutes: int
    note: str
    rating: int = 3


@router.get("orders", summary="订单（status 可用逗号分隔多个）")
@allow(*READERS, Role.VOLUNTEER)
def orders_list(request: HttpRequest, status: str = "", mine: bool = False, limit: int = 50,
                offset: int = 0) -> dict[str, Any]:
    member = services.member_of(request.user) if mine else None
    if mine and member is None:
        raise NotFound("您还没有党员档案", field="mine")
    if not mine and not has_role(request.user, *READERS) and status != Order.Status.OPEN:
        status = Order.Status.OPEN  # volunteers browse the open board
    qs = selectors.orders(status=status, member=member)
    limit = max(1, min(limit, 200))
    offset = max(0, min(offset, 1_000_000))
    return {"count": qs.count(), "items": [order_dict(o) for o in qs[offset:offset + limit]]}


@router.post("orders", response={201: dict}, summary="下单")
@allow(WORKER, Role.CITIZEN, Role.VOLUNTEER)
def orders_create(request: HttpRequest, payload: OrderIn) -> Status:
    order = services.order_place(menu_item=_obj(MenuItem, payload.menu_item_id, "menu_item_id"),
                                 compound=_obj(Compound, payload.compound_id, "compound_id"),
                                 service_date=payload.service_date, requester_kind=payload.requester_kind,
                                 description=payload.description, requester_name=payload.requester_name,
                                 actor=request.user)
    return Status(201, order_dict(selectors.order_detail(order.pk), events=True))


@router.get("orders/{order_id}", summary="订单详情与事件（下单人、接单人及其服务队、社区工作者、督查可见；"
                                     "待接单的订单志愿者可见概要）")
@allow(*READERS, Role.VOLUNTEER, Role.CITIZEN)
def orders_get(request: HttpRequest, order_id: int) -> dict[str, Any]:
    order, view = access.visible_order(request.user, order_id)
    if view is access.OrderView.BOARD:
        return order_dict(order)
    return order_dict(selectors.order_detail(order.pk), events=True)


def _order(request: HttpRequest, order_id: int) -> Order:
    return access.visible_order(request.user, order_id)[0]


def _done(order: Order) -> dict[str, Any]:
    return order_dict(selectors.order_detail(order.pk), events=True)


@router.post("orders/{order_id}/take", summary="接单")
@allow(Role.VOLUNTEER, WORKER)
def orders_take(request: HttpRequest, order_id: int, payload: TakeIn) -> dict[str, Any]:
    team = _obj(Team, payload.team_id, "team_id") if payload.team_id else None
    return _done(services.order_take(order=_order(request, order_id), actor=request.user, team=team))


@router.post("orders/{order_id}/done", summary="接单人标记完成")
@allow(Role.VOLUNTEER, WORKER)
def orders_done(request: HttpRequest, order_id: int, payload: NoteIn) -> dict[str, Any]:
    return _done(services.order_mark_done(order=_order(request, order_id), actor=request.user, note=payload.note))


@router.post("orders/{order_id}/confirm", summary="下单方确认（时长、评分）并记入时长")
@allow(WORKER, Role.CITIZEN, Role.VOLUNTEER)
def orders_confirm(request: HttpRequest, order_id: int, payload: ConfirmIn) -> dict[str, Any]:
    return _done(services.order_confirm(order=_order(request, order_id), minutes=payload.minutes, rating=payload.rating,
                                        note=payload.note, actor=request.user))


@router.post("orders/{order_id}/approve", summary="社区工作者审核超过建议时长的申报（在建议时长与申报时长之间）")
@allow(WORKER)
def orders_approve(request: HttpRequest, order_id: int, payload: ApproveIn) -> dict[str, Any]:
    return _done(services.order_approve(order=_order(request, order_id), minutes=payload.minutes,
                                        note=payload.note, actor=request.user))


@router.post("orders/{order_id}/dispute", summary="提出异议")
@allow(WORKER, Role.CITIZEN, Role.VOLUNTEER)
def orders_dispute(request: HttpRequest, order_id: int, payload: ReasonIn) -> dict[str, Any]:
    return _done(services.order_dispute(order=_order(request, order_id), reason=payload.reason, actor=request.user))


@router.post("orders/{order_id}/resolve", summary="社区工作者处理异议（minutes=0 不予记时）")
@allow(WORKER)
def orders_resolve(request: HttpRequest, order_id: int, payload: ResolveIn) -> dict[str, Any]:
    return _done(services.order_resolve(order=_order(request, order_id), minutes=payload.minutes, note=payload.note,
                                        rating=payload.rating, actor=request.user))


@router.post("orders/{order_id}/cancel", summary="取消订单")
@allow(WORKER, Role.CITIZEN, Role.VOLUNTEER)
def orders_cancel(request: HttpRequest, order_id: int, payload: ReasonIn) -> dict[str, Any]:
    return _done(services.order_cancel(order=_order(request, order_id), reason=payload.reason, actor=request.user))


# ------------------------------------------------------------------ accounts, statements, transfers


def _account_visible(request: HttpRequest, account: Account) -> None:
    if not access.can_view_account(request.user, account):
        raise NotFound(f"{Account._meta.verbose_name} {account.pk} 不存在", field="account_id")


@router.get("accounts/me", summary="我的时间账户与明细")
@allow(Role.VOLUNTEER)
def accounts_me(request: HttpRequest) -> dict[str, Any]:
    member = services.member_of(request.user)
    if member is None:
        raise NotFound("您还没有党员档案", field="member")
    account = services.account_for_member(member)
    return {**account_dict(account), "member_id": member.pk, "statement": _statement_rows(account)}


@router.get("accounts/{account_id}", summary="账户余额")
@allow(*READERS, Role.VOLUNTEER)
def accounts_get(request: HttpRequest, account_id: int) -> dict[str, Any]:
    account = _obj(Account, account_id, "account_id")
    _account_visible(request, account)
    return account_dict(account)


@router.get("accounts/{account_id}/statement", summary="账户明细（含每笔后余额）")
@allow(*READERS, Role.VOLUNTEER)
def accounts_statement(request: HttpRequest, account_id: int) -> dict[str, Any]:
    account = _obj(Account, account_id, "account_id")
    _account_visible(request, account)
    return {**account_dict(account), "statement": _statement_rows(account)}


class DonationIn(Schema):
    receiver_member_id: int
    minutes: int
    note: str = ""


class RedemptionIn(Schema):
    minutes: int
    purpose: str
    note: str = ""
    member_id: int | None = None


def _idempotency(request: HttpRequest) -> dict[str, str]:
    """The caller's key and scope (the body it is bound to is fingerprinted by the service)."""
    return {"idempotency_key": clean_key(request.headers.get("Idempotency-Key"), required=True),
            "idempotency_scope": idempotency_scope(actor=request.user, request=request)}


@router.get("transfers", summary="最近的转账（含分录）")
@allow(*READERS)
def transfers(request: HttpRequest, limit: int = 50) -> list[dict[str, Any]]:
    return [transfer_dict(t) for t in selectors.transfers(limit=max(1, min(limit, 200)))]


@router.post("transfers/donation", summary="把本人的时长捐赠给另一名党员（需 Idempotency-Key）")
@allow(Role.VOLUNTEER)
def transfers_donation(request: HttpRequest, payload: DonationIn) -> dict[str, Any]:
    idem = _idempotency(request)
    giver = services.member_of(request.user)
    if giver is None:
        raise NotFound("您还没有党员档案", field="member")
    receiver = _obj(Member, payload.receiver_member_id, "receiver_member_id")
    t = services.donation_make(giver=giver, receiver=receiver, minutes=payload.minutes, note=payload.note,
                               operator=request.user, **idem)
    return transfer_dict(t)


@router.post("transfers/redemption", summary="兑换本人账户的时长（服务或奖励；需 Idempotency-Key）")
@allow(Role.VOLUNTEER, WORKER)
def transfers_redemption(request: HttpRequest, payload: RedemptionIn) -> dict[str, Any]:
    idem = _idempotency(request)
    member = services.member_of(request.user)
    if payload.member_id is not None and (member is None or payload.member_id != member.pk):
        raise Forbidden("只能兑换本人账户的时长", field="member_id")
    if member is None:
        raise NotFound("您还没有党员档案", field="member")
    t = services.redemption_make(member=member, minutes=payload.minutes, purpose=payload.purpose,
                                 note=payload.note, operator=request.user, **idem)
    return transfer_dict(t)


class ReverseIn(Schema):
    reason: str = ""


@router.post("transfers/{transfer_id}/reverse", summary="冲正一笔转账")
@allow(WORKER)
def transfers_reverse(request: HttpRequest, transfer_id: int, payload: ReverseIn) -> dict[str, Any]:
    t = services.transfer_reverse(transfer=_obj(Transfer, transfer_id, "transfer_id"), reason=payload.reason,
                                  operator=request.user)
    return transfer_dict(t)


@router.get("ledger/check", summary="账本校验：合计为零、每笔平衡、余额与分录一致")
@allow(*READERS)
def ledger_check(request: HttpRequest) -> dict[str, Any]:
    return selectors.ledger_check()


@router.get("reports/hours", summary="服务时长统计：按月、服务队、小区、党员")
@allow(*READERS)
def reports_hours(request: HttpRequest) -> dict[str, Any]:
    return {"by_month": selectors.hours_by_month(), "by_team": selectors.hours_by_team(),
            "by_compound": selectors.hours_by_compound(), "top_volunteers": selectors.top_volunteers()}


@router.get("feedback/{employer_id}/{month}", summary="双向反馈：单位在职党员当月社区服务情况")
@allow(*READERS)
def feedback(request: HttpRequest, employer_id: int, month: str) -> dict[str, Any]:
    employer = _obj(CoBuildingUnit, employer_id, "employer_id")
    try:
        data = selectors.feedback_report(employer=employer, month=month)
    except ValueError:
        raise ServiceError("月份格式应为 YYYY-MM", field="month") from None
    audit_log(actor=request.user, action="community.feedback_report", target=employer, detail={"month": month})
    return {"employer": employer.name, "month": month, "totals": data["totals"], "rows": data["rows"]}


# ------------------------------------------------------------------ matters


class MatterIn(Schema):
    kind: str
    compound_id: int
    resident_name: str
    subject: str
    resident_phone: str = ""
    description: str = ""


class MatterActionIn(Schema):
    route: str = ""
    note: str = ""
    resolution: str = ""
    feedback: str = ""
    satisfied: bool = True


def matter_dict(m: Matter) -> dict[str, Any]:
    from onewindow.core.masking import mask_name, mask_phone

    return {"id": m.pk, "number": m.number, "kind": m.kind, "compound": m.compound.name, "subject": m.subject,
            "resident_name": mask_name(m.resident_name), "resident_phone": mask_phone(m.resident_phone),
            "route": m.route, "status": m.status, "resolution": m.resolution, "feedback": m.feedback,
            "satisfied": m.satisfied}


@router.get("matters", summary="居民诉求")
@allow(*READERS)
def matters_list(request: HttpRequest, status: str = "", kind: str = "") -> list[dict[str, Any]]:
    return [matter_dict(m) for m in selectors.matters(status=status, kind=kind)[:200]]


@router.post("matters", response={201: dict}, summary="受理居民说事 / 维权 / 法律援助")
@allow(WORKER)
def matters_create(request: HttpRequest, payload: MatterIn) -> Status:
    m = services.matter_intake(kind=payload.kind, compound=_obj(Compound, payload.compound_id, "compound_id"),
                               resident_name=payload.resident_name, resident_phone=payload.resident_phone,
                               subject=payload.subject, description=payload.description, actor=request.user)
    return Status(201, matter_dict(m))


@router.post("matters/{matter_id}/{action}", summary="分派 route / 调解 mediate / 办结 resolve / 关闭 close")
@allow(WORKER)
def matters_action(request: HttpRequest, matter_id: int, action: str, payload: MatterActionIn) -> dict[str, Any]:
    m = _obj(Matter, matter_id, "matter_id")
    user = request.user
    if action == "route":
        m = services.matter_route(matter=m, route=payload.route, note=payload.note, actor=user)
    elif action == "mediate":
        m = services.matter_mediate(matter=m, note=payload.note, actor=user)
    elif action == "resolve":
        m = services.matter_resolve(matter=m, resolution=payload.resolution, actor=user)
    elif action == "close":
        m = services.matter_close(matter=m, feedback=payload.feedback, satisfied=payload.satisfied, actor=user)
    else:
        raise NotFound("未知操作", field="action")
    return matter_dict(m)


# ------------------------------------------------------------------ proposals


class ProposalIn(Schema):
    compound_id: int
    topic: str
    title: str
    content: str


class AdvanceIn(Schema):
    step: str
    text: str = ""
    votes_for: int = 0
    votes_against: int = 0
    votes_abstain: int = 0
    approval_rate: int | None = None


def proposal_dict(p: Proposal) -> dict[str, Any]:
    return {"id": p.pk, "number": p.number, "compound": p.compound.name, "topic": p.topic, "title": p.title,
            "content": p.content, "deliberation": p.deliberation, "decision": p.decision,
            "votes": {"for": p.votes_for, "against": p.votes_against, "abstain": p.votes_abstain},
            "evaluation": p.evaluation, "approval_rate": p.approval_rate, "status": p.status,
            "published_at": p.published_at.isoformat() if p.published_at else None}


@router.get("proposals", summary="议事提案（未登录只见已公开）")
@allow(PUBLIC)
def proposals_list(request: HttpRequest) -> list[dict[str, Any]]:
    published_only = not has_role(request.user, *READERS)
    return [proposal_dict(p) for p in selectors.proposals(published_only=published_only)[:200]]


@router.post("proposals", response={201: dict}, summary="党支部提议")
@allow(WORKER)
def proposals_create(request: HttpRequest, payload: ProposalIn) -> Status:
    p = services.proposal_create(compound=_obj(Compound, payload.compound_id, "compound_id"), topic=payload.topic,
                                 title=payload.title, content=payload.content, actor=request.user)
    return Status(201, proposal_dict(p))


@router.post("proposals/{proposal_id}/advance", summary="下一阶段：deliberate / decide / evaluate / publish")
@allow(WORKER)
def proposals_advance(request: HttpRequest, proposal_id: int, payload: AdvanceIn) -> dict[str, Any]:
    p = services.proposal_advance(proposal=_obj(Proposal, proposal_id, "proposal_id"), step=payload.step,
                                  text=payload.text, votes_for=payload.votes_for,
                                  votes_against=payload.votes_against, votes_abstain=payload.votes_abstain,
                                  approval_rate=payload.approval_rate, actor=request.user)
    return proposal_dict(p)


# ------------------------------------------------------------------ events


class EventIn(Schema):
    community_id: int
    title: str
    date: dt.date
    place: str = ""
    capacity: int = 50
    credit_minutes: int = 0


class SignupIn(Schema):
    member_id: int | None = None


class AttendanceIn(Schema):
    member_ids: list[int]


def event_dict(e: ThemeEvent) -> dict[str, Any]:
    return {"id": e.pk, "title": e.title, "community_id": e.community_id, "date": e.date.isoformat(),
            "place": e.place, "capacity": e.capacity, "credit_minutes": e.credit_minutes, "status": e.status,
            "signed": getattr(e, "n_signed", None), "attended": getattr(e, "n_attended", None)}


@router.get("events", summary="主题活动")
@allow(SIGNED_IN)
def events_list(request: HttpRequest, upcoming: bool = False) -> list[dict[str, Any]]:
    return [event_dict(e) for e in selectors.events(upcoming_only=upcoming)[:200]]


@router.post("events", response={201: dict}, summary="发布活动（主题党日为每月15日）")
@allow(WORKER)
def events_create(request: HttpRequest, payload: EventIn) -> Status:
    e = services.event_create(community=_obj(Community, payload.community_id, "community_id"), title=payload.title,
                              date=payload.date, place=payload.place, capacity=payload.capacity,
                              credit_minutes=payload.credit_minutes, actor=request.user)
    return Status(201, event_dict(e))


@router.post("events/{event_id}/signup", summary="报名（志愿者为本人；社区工作者可代报）")
@allow(WORKER, Role.VOLUNTEER)
def events_signup(request: HttpRequest, event_id: int, payload: SignupIn) -> dict[str, Any]:
    event = _obj(ThemeEvent, event_id, "event_id")
    if payload.member_id and has_role(request.user, WORKER):
        member = _obj(Member, payload.member_id, "member_id")
    else:
        member = services.member_of(request.user)
        if member is None:
            raise NotFound("您还没有党员档案", field="member")
    s = services.event_sign_up(event=event, member=member, actor=request.user)
    return {"event_id": event.pk, "member_id": s.member_id, "signed_at": s.signed_at.isoformat()}


@router.post("events/{event_id}/attendance", summary="登记签到")
@allow(WORKER)
def events_attendance(request: HttpRequest, event_id: int, payload: AttendanceIn) -> dict[str, Any]:
    n = services.event_mark_attendance(event=_obj(ThemeEvent, event_id, "event_id"), member_ids=payload.member_ids,
                                       actor=request.user)
    return {"marked": n}


@router.post("events/{event_id}/close", summary="结束活动（设定了时长则为签到者记时）")
@allow(WORKER)
def events_close(request: HttpRequest, event_id: int) -> dict[str, Any]:
    return event_dict(services.event_close(event=_obj(ThemeEvent, event_id, "event_id"), actor=request.user))
