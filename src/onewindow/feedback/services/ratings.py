"""Rating a service through its signed link: the first rating, then the one follow-up (追评).

A link rates once, and once more for the follow-up; the same rating sent again through the same link (a replay,
a double submit) is refused with 409 and writes nothing. Links expire (`RATING_LINK_DAYS`), an unfinished service
cannot be rated, and nobody who handled the service may rate it. A bad review opens its rectification; a
follow-up after the callback closes it (services.rectification).

The rating row is itself the record of the rating; its `RatingEvent` keeps what was given. No audit entry is
written for a rating: it would store the address of the person rating next to their rating, and an anonymous
rating keeps nothing about its rater.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from onewindow.core import clock
from onewindow.core.actors import Actor, actor_label, actor_user
from onewindow.core.errors import Conflict, FieldProblem, Forbidden, NotFound, ServiceError
from onewindow.core.events import record_event
from onewindow.core.validators import clean_text
from onewindow.feedback import access, targets
from onewindow.feedback.conf import link_days
from onewindow.feedback.inputs import clean_phone
from onewindow.feedback.links import RatingToken
from onewindow.feedback.models import BAD_LEVELS, Channel, Level, Rating, RatingEvent, UserProp
from onewindow.feedback.reasons import REASON_LEVEL
from onewindow.feedback.services.rectification import rectification_close_after_followup, rectification_open

TEXT_MAX = 500

# the counter pad rates the service just finished; a follow-up (追评) comes later from the citizen's own device
FIRST_ONLY_CHANNELS = frozenset({Channel.HALL_PAD})


def _validated_codes(level: str, reasons: list[str], text: str) -> list[str]:
    """The reason codes, deduplicated; a bad review needs at least one, and each must belong to the level."""
    problems: list[FieldProblem] = []
    if level not in Level.values:
        raise ServiceError(_("请选择评价等级（非常满意、满意、基本满意、不满意、非常不满意）"), field="level")
    codes: list[str] = []
    for code in (str(c).strip() for c in reasons or []):
        if not code or code in codes:
            continue
        if REASON_LEVEL.get(code) != level:
            problems.append(FieldProblem("reasons", _("评价内容代码 %(code)s 不属于所选等级“%(level)s”")
                                         % {"code": code, "level": Level(level).label}))
        codes.append(code)
    if level in BAD_LEVELS and not codes:
        problems.append(FieldProblem("reasons", _("“不满意”和“非常不满意”须至少选择一项评价内容（差评原因）")))
    if len(text or "") > TEXT_MAX:
        problems.append(FieldProblem("text", _("文字评价不能超过%(n)d字") % {"n": TEXT_MAX}))
    if problems:
        raise ServiceError(problems[0].message, problems=problems)
    return codes


def _rater(*, anonymous: bool, name: str, phone: str, actor: Actor) -> tuple[str, str]:
    """(name, phone) kept for a named rating; an anonymous one keeps nothing of what was typed."""
    if anonymous:
        return "", ""
    name = clean_text(name)[:50]
    phone = clean_phone(phone, "rater_phone")
    if not name:
        if actor_user(actor) is None:
            raise ServiceError(_("实名评价请填写姓名，或选择匿名评价"), field="rater_name")
        name = actor_label(actor)[:50]
    return name, phone


def _existing_sequences(kind: str, target_id: int) -> dict[int, Rating]:
    return {r.sequence: r for r in Rating.objects.filter(target_kind=kind, target_id=target_id)}


def rating_next_sequence(*, target_kind: str, target_id: int, channel: str = "") -> int | None:
    """1 for a first rating, 2 for the follow-up, None when no more rating is taken on this channel."""
    existing = _existing_sequences(target_kind, target_id)
    if 1 not in existing:
        return 1
    if 2 not in existing and channel not in FIRST_ONLY_CHANNELS:
        return 2
    return None


def rating_refusal(*, token: RatingToken, target: targets.ServedTarget, actor: Actor = None) -> tuple[str, int] | None:
    """Why this link may not rate now, with the HTTP status to answer (None when it may): the service is
    not finished (409), the link or the rating period has run out (410), or the signed-in user handled the
    service or works for its department (403)."""
    if not target.finished:
        return _("该服务尚未办结，办结后才能评价"), 409
    if token.nonce and access.rating_window_closed(target, issued_at=token.issued_at):
        return (_("评价链接已过期：服务办结后%(n)d天内可以评价") % {"n": link_days()}), 410
    refusal = access.rating_refusal(actor, target)
    if refusal:
        return refusal, 403
    return None


def _rateable(token: RatingToken, actor: Actor) -> targets.ServedTarget:
    """The service the token names, when it may be rated now (else the refusal as an error)."""
    target = targets.resolve(token.target_kind, token.target_id)
    if target is None:
        raise NotFound(_("没有找到要评价的服务"), field="token")
    refused = rating_refusal(token=token, target=target, actor=actor)
    if refused is not None:
        message, status = refused
        if status == 403:
            raise Forbidden(message, field="token")
        raise ServiceError(message, field="token", status=status)
    return target


def _sequence(existing: dict[int, Rating], token: RatingToken, level: str, codes: list[str], text: str) -> int:
    """The sequence this rating takes, or the 409 that says why the service takes no more ratings."""
    mine = [r for r in existing.values() if token.link_id and r.link_id == token.link_id]
    if any(r.level == level and sorted(r.reasons) == sorted(codes) and r.text == text for r in mine):
        raise Conflict(_("这条评价已经提交过了，请勿重复提交"), field="token")
    if 1 not in existing:
        return 1
    if 2 in existing:
        raise Conflict(_("该服务已评价并已追评，每项服务只能评价一次、追评一次"), field="token")
    if token.channel in FIRST_ONLY_CHANNELS:
        raise Conflict(_("该服务已评价。窗口评价器只受理首次评价，如需追评请扫描回执上的二维码"), field="token")
    return 2


def rating_attribution(target: targets.ServedTarget) -> dict[str, Any]:
    """Who and what served, as a rating row keeps it (resolved from the target at rating time)."""
    return {
        "target_number": target.number[:60],
        "department_id": target.department_id,
        "item_id": target.item_id,
        "item_name": target.item_name[:200],
        "clerk_id": target.clerk_id,
        "hall_id": target.hall_id,
        "counter_id": target.counter_id,
        "hall_name": target.hall_name[:100],
        "counter_name": target.counter_name[:100],
        "served_at": target.served_at,
        "user_prop": target.user_prop if target.user_prop in UserProp.values else UserProp.PERSON,
    }


def rating_create(*, token: RatingToken, level: str, reasons: list[str] | None = None, text: str = "",
                  anonymous: bool = True, rater_name: str = "", rater_phone: str = "", actor: Actor = None) -> Rating:
    """Rate the service named by a verified token: the first rating, or else the one follow-up (追评)."""
    text = clean_text(text)
    codes = _validated_codes(level, list(reasons or []), text)
    rater_name, rater_phone = _rater(anonymous=anonymous, name=rater_name, phone=rater_phone, actor=actor)
    target = _rateable(token, actor)
    now = clock.now()
    try:
        with transaction.atomic():
            existing = _existing_sequences(token.target_kind, token.target_id)
            sequence = _sequence(existing, token, level, codes, text)
            rating = Rating.objects.create(
                target_kind=token.target_kind, target_id=token.target_id, sequence=sequence,
                level=level, channel=token.channel, reasons=codes, text=text,
                anonymous=anonymous, is_default=False, link_id=token.link_id,
                rater=None if anonymous else actor_user(actor), rater_name=rater_name, rater_phone=rater_phone,
                rated_at=now, **rating_attribution(target))
            record_event(rating, event_model=RatingEvent, actor=rating.rater, at=now, audit=False,
                         action=RatingEvent.Action.RATED if sequence == 1 else RatingEvent.Action.FOLLOWED_UP,
                         data={"level": level, "channel": token.channel, "reasons": codes})
            if sequence == 2:
                rectification_close_after_followup(first=existing[1], followup=rating)
            if level in BAD_LEVELS:
                rectification_open(rating=rating)
    except IntegrityError as exc:  # a concurrent rating of the same service won the race
        raise Conflict(_("该服务刚刚已被评价，请刷新后查看"), field="token") from exc
    return rating
