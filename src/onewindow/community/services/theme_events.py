"""Theme events: 主题党日 on the 15th of each month and other activities — sign-up, attendance, close.

An event is open for sign-up, then closed; if it credits hours, closing credits every attendee in one transfer
from the community's account (once per event) and the event is `credited`. Nobody records their own attendance:
the hours it earns are theirs. The event's history is its ThemeEventLog.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from onewindow.community.models import Community, EventSignup, Member, ThemeEvent, ThemeEventLog, Transfer
from onewindow.community.selectors.members import member_of
from onewindow.community.services.ledger import Leg, account_for_community, account_for_member, transfer_post
from onewindow.core import clock
from onewindow.core.actors import Actor
from onewindow.core.errors import Conflict, Forbidden, ServiceError
from onewindow.core.events import record_event, transition

S = ThemeEvent.Status
MAX_EVENT_CAPACITY = 100_000
MAX_CREDIT_MINUTES = 8 * 60


def theme_day(year: int, month: int) -> dt.date:
    """主题党日: the 15th of each month."""
    return dt.date(year, month, 15)


def next_theme_day(today: dt.date) -> dt.date:
    """This month's theme day if it has not passed, else next month's."""
    if today.day <= 15:
        return theme_day(today.year, today.month)
    return theme_day(today.year + (today.month == 12), today.month % 12 + 1)


def event_create(*, community: Community, title: str, date: dt.date, actor: Actor, place: str = "",
                 capacity: int = 50, credit_minutes: int = 0) -> ThemeEvent:
    if not title.strip():
        raise ServiceError(_("请填写活动名称"), field="title")
    if isinstance(capacity, bool) or not isinstance(capacity, int) or not 1 <= capacity <= MAX_EVENT_CAPACITY:
        raise ServiceError(_("名额应为 1 到 %(n)d 的整数") % {"n": MAX_EVENT_CAPACITY}, field="capacity")
    if not isinstance(credit_minutes, int) or not 0 <= credit_minutes <= MAX_CREDIT_MINUTES:
        raise ServiceError(_("记入时长应在 0 到 480 分钟之间"), field="credit_minutes")
    with transaction.atomic():
        event = ThemeEvent.objects.create(community=community, title=title.strip()[:100], date=date,
                                          place=place.strip()[:100], capacity=capacity,
                                          credit_minutes=credit_minutes, created_at=clock.now())
        record_event(event, event_model=ThemeEventLog, action="create", actor=actor, to_status=S.OPEN,
                     at=event.created_at)
    return event


def event_sign_up(*, event: ThemeEvent, member: Member, actor: Actor) -> EventSignup:
    with transaction.atomic():
        event = ThemeEvent.objects.select_for_update().get(pk=event.pk)
        if event.status != S.OPEN:
            raise Conflict(_("活动已结束，不能报名"), field="event")
        if EventSignup.objects.filter(event=event, member=member).exists():
            raise Conflict(_("%(m)s 已报名该活动") % {"m": member.name}, field="member")
        if EventSignup.objects.filter(event=event).count() >= event.capacity:
            raise Conflict(_("活动名额已满"), field="event")
        return EventSignup.objects.create(event=event, member=member, signed_at=clock.now())


def event_mark_attendance(*, event: ThemeEvent, member_ids: Iterable[int], actor: Actor) -> int:
    """Record who attended. Nobody records their own attendance: the hours it earns are theirs."""
    ids = list(member_ids)
    if any(isinstance(i, bool) or not isinstance(i, int) or not 0 < i < 2**63 for i in ids):
        raise ServiceError(_("党员编号无效"), field="member_ids")
    own = member_of(actor)
    if own is not None and own.pk in ids:
        raise Forbidden(_("不能为本人登记签到，请由其他社区工作者登记"), field="member_ids")
    with transaction.atomic():
        if ThemeEvent.objects.filter(pk=event.pk).values_list("status", flat=True).first() != S.OPEN:
            raise Conflict(_("活动已结束，不能再登记签到"), field="event")
        count = EventSignup.objects.filter(event=event, member_id__in=ids, attended=False).update(
            attended=True, attended_at=clock.now())
        record_event(event, event_model=ThemeEventLog, action="attendance", actor=actor, data={"members": ids},
                     audit_detail={"members": ids})
    return count


def event_close(*, event: ThemeEvent, actor: Actor) -> ThemeEvent:
    """End the event; if it credits hours, every attendee's minutes come from the community's account."""
    with transaction.atomic():
        event = transition(event, to=S.CLOSED, allowed_from={S.OPEN}, action="close", action_label=_("结束活动"),
                           actor=actor, event_model=ThemeEventLog, version_field=None, timestamp_field=None)
        attendees = list(EventSignup.objects.filter(event=event, attended=True).select_related("member")
                         .order_by("member_id"))
        if event.credit_minutes and attendees:
            transfer = _credit_attendees(event, attendees, actor)
            event = transition(event, to=S.CREDITED, allowed_from={S.CLOSED}, action="credit",
                               action_label=_("记入时长"), actor=actor, event_model=ThemeEventLog,
                               data={"attended": len(attendees), "minutes": event.credit_minutes,
                                     "transfer": transfer.pk}, version_field=None, timestamp_field=None)
    return event


def _credit_attendees(event: ThemeEvent, attendees: list[EventSignup], actor: Actor) -> Transfer:
    legs: list[Leg] = [(account_for_member(s.member), event.credit_minutes) for s in attendees]
    legs.append((account_for_community(event.community), -event.credit_minutes * len(attendees)))
    return transfer_post(kind=Transfer.Kind.EVENT_CREDIT, reason=_("主题活动：%(t)s") % {"t": event.title},
                         legs=legs, idempotency_key=f"event-credit-{event.pk}", operator=actor, event=event)
