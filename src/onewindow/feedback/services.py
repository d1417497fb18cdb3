"""Writes for ratings, bad-review rectification and the citizen's voice.

Each function is one transaction, writes one append-only event row per state change, and raises
ServiceError (bad input, names the field) / Conflict (illegal step, duplicate) / NotFound / Forbidden
with nothing changed.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onewindow.catalog.models import Department
from onewindow.core import clock
from onewindow.core.access import Role, has_role, user_department_id
from onewindow.core.audit import audit_log
from onewindow.core.calendar import deadline_after
from onewindow.core.counters import counter_next
from onewindow.core.errors import Conflict, FieldProblem, Forbidden, NotFound, ServiceError
from onewindow.core.idempotency import clean_key, idempotent_replay, request_fingerprint
from onewindow.core.idempotency import idempotency_scope as core_idempotency_scope
from onewindow.core.validators import validate_mobile
from onewindow.feedback import access, targets
from onewindow.feedback.links import RatingToken
from onewindow.feedback.models import (
    BAD_LEVELS,
    CallbackMethod,
    Channel,
    Disposition,
    Level,
    Rating,
    RatingEvent,
    Rectification,
    RectificationEvent,
    RectState,
    RoutingRule,
    Suggestion,
    SuggestionCategory,
    SuggestionEvent,
    SuggestionKind,
    SuggestionReply,
    SuggestionState,
    UserProp,
    VoiceChannel,
)
from onewindow.feedback.reasons import REASON_LEVEL

TEXT_MAX = 500

# C0 control characters other than tab and line feed (and DEL): XML 1.0 forbids most of them, none belongs in
# a citizen's text, and a vertical tab in a description made the Open311 XML unreadable
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean_text(value: Any) -> str:
    """Text as typed, without control characters (CR LF and lone CR become LF first)."""
    text = "" if value is None else str(value)
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def conf(name: str, default: Any) -> Any:
    return getattr(settings, "ONEWINDOW", {}).get(name, default)


def _clean_phone(value: str, field: str, *, required: bool = False) -> str:
    value = (value or "").strip()
    if not value:
        if required:
            raise ServiceError(_("请填写联系电话"), field=field)
        return ""
    digits = re.sub(r"[\s-]", "", value)
    if digits.isdigit() and 7 <= len(digits) <= 12 and not digits.startswith("1"):
        return digits  # a landline (固定电话)
    try:
        return validate_mobile(value)
    except ValidationError as exc:
        raise ServiceError(exc.messages[0], field=field) from exc


# ------------------------------------------------------------------ ratings


def _validate_rating(level: str, reasons: list[str], text: str) -> list[str]:
    problems: list[FieldProblem] = []
    if level not in Level.values:
        raise ServiceError(_("请选择评价等级（非常满意、满意、基本满意、不满意、非常不满意）"), field="level")
    codes: list[str] = []
    for code in reasons or []:
        code = str(code).strip()
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


def _existing_sequences(kind: str, target_id: int) -> dict[int, Rating]:
    return {r.sequence: r for r in Rating.objects.filter(target_kind=kind, target_id=target_id)}


# the counter pad rates the service just finished; a follow-up (追评) comes later from the citizen's own device
FIRST_ONLY_CHANNELS = frozenset({Channel.HALL_PAD})


def rating_next_sequence(*, target_kind: str, target_id: int, channel: str = "") -> int | None:
    """1 for a first rating, 2 for the follow-up, None when no more rating is taken on this channel."""
    existing = _existing_sequences(target_kind, target_id)
    if 1 not in existing:
        return 1
    if 2 not in existing and channel not in FIRST_ONLY_CHANNELS:
        return 2
    return None


def _attribution(target: targets.ServedTarget) -> dict[str, Any]:
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


def rating_refusal(*, token: RatingToken, target: targets.ServedTarget, user: Any = None) -> tuple[str, int] | None:
    """Why this link may not rate now, with the HTTP status to answer (None when it may): the service is
    not finished (409), the link or the rating period has run out (410), or the signed-in user handled the
    service or works for its department (403)."""
    if not target.finished:
        return _("该服务尚未办结，办结后才能评价"), 409
    if token.nonce and access.rating_window_closed(target, issued_at=token.issued_at):
        return (_("评价链接已过期：服务办结后%(n)d天内可以评价") % {"n": access.link_days()}), 410
    refusal = access.rating_refusal(user, target)
    if refusal:
        return refusal, 403
    return None


def _same_rating(previous: Rating, level: str, codes: list[str], text: str) -> bool:
    return previous.level == level and sorted(previous.reasons) == sorted(codes) and previous.text == text


def rating_create(*, token: RatingToken, level: str, reasons: list[str] | None = None, text: str = "",
                  anonymous: bool = True, rater_name: str = "", rater_phone: str = "", user: Any = None) -> Rating:
    """Rate the service named by a verified token: the first rating, or else the one follow-up (追评).

    A link rates once, and once more for the follow-up; sending the same rating through the same link again
    (a replay, a double submit) is refused with 409 and writes nothing. Links expire (`RATING_LINK_DAYS`),
    and nobody who handled the service may rate it."""
    text = clean_text(text).strip()
    codes = _validate_rating(level, list(reasons or []), text)
    rater_name = clean_text(rater_name).strip()[:50]
    if not anonymous:
        rater_phone = _clean_phone(rater_phone, "rater_phone")
        signed_in = user is not None and getattr(user, "is_authenticated", False)
        if not rater_name and not signed_in:
            raise ServiceError(_("实名评价请填写姓名，或选择匿名评价"), field="rater_name")
        if not rater_name and signed_in:
            profile = getattr(user, "profile", None)
            rater_name = (getattr(profile, "display_name", "") or user.get_username())[:50]
    target = targets.resolve(token.target_kind, token.target_id)
    if target is None:
        raise NotFound(_("没有找到要评价的服务"), field="token")
    refused = rating_refusal(token=token, target=target, user=user)
    if refused is not None:
        message, status = refused
        if status == 403:
            raise Forbidden(message, field="token")
        raise ServiceError(message, field="token", status=status)
    now = clock.now()
    try:
        with transaction.atomic():
            existing = _existing_sequences(token.target_kind, token.target_id)
            mine = [r for r in existing.values() if token.link_id and r.link_id == token.link_id]
            if any(_same_rating(r, level, codes, text) for r in mine):
                raise Conflict(_("这条评价已经提交过了，请勿重复提交"), field="token")
            if 1 not in existing:
                sequence = 1
            elif 2 in existing:
                raise Conflict(_("该服务已评价并已追评，每项服务只能评价一次、追评一次"), field="token")
            elif token.channel in FIRST_ONLY_CHANNELS:
                raise Conflict(_("该服务已评价。窗口评价器只受理首次评价，如需追评请扫描回执上的二维码"),
                               field="token")
            else:
                sequence = 2
            rating = Rating.objects.create(
                target_kind=token.target_kind, target_id=token.target_id, sequence=sequence,
                level=level, channel=token.channel, reasons=codes, text=text,
                anonymous=anonymous, is_default=False, link_id=token.link_id,
                rater=user if (not anonymous and user is not None and user.is_authenticated) else None,
                rater_name="" if anonymous else rater_name, rater_phone="" if anonymous else rater_phone,
                rated_at=now, **_attribution(target),
            )
            RatingEvent.objects.create(
                rating=rating, kind=RatingEvent.Kind.RATED if sequence == 1 else RatingEvent.Kind.FOLLOWED_UP, at=now,
                detail={"level": level, "channel": token.channel, "reasons": codes})
            if sequence == 2:
                _close_after_followup(existing[1], rating, now)
            if level in BAD_LEVELS:
                _open_rectification(rating, now)
    except IntegrityError as exc:  # a concurrent rating of the same service won the race
        raise Conflict(_("该服务刚刚已被评价，请刷新后查看"), field="token") from exc
    return rating


def _close_after_followup(first: Rating, followup: Rating, now: dt.datetime) -> None:
    rec = Rectification.objects.select_for_update().filter(rating=first, state=RectState.CALLED_BACK).first()
    if rec is None:
        return
    _rect_move(rec, RectState.CLOSED, action="followup_rated", actor=None, now=now,
               note=_("群众追评：%(level)s") % {"level": Level(followup.level).label}, closed_at=now)


def rating_default_apply(*, now: dt.datetime | None = None, since: dt.datetime | None = None,
                         limit: int = 5000) -> int:
    """Give the configured default rating to services unrated for DEFAULT_RATING_AFTER_DAYS days.

    Only services served after `since` are considered (default: DEFAULT_RATING_LOOKBACK_DAYS, 30, before the
    cutoff — the task runs daily, and services from before the rating system existed are left alone).
    Returns the number of default ratings written; 0 when DEFAULT_RATING_ENABLED is off."""
    if not conf("DEFAULT_RATING_ENABLED", True):
        return 0
    level = conf("DEFAULT_RATING_LEVEL", Level.BASIC)
    if level not in Level.values:
        raise ServiceError(_("默认评价等级配置无效：%(v)s") % {"v": level}, field="DEFAULT_RATING_LEVEL")
    if level in BAD_LEVELS:
        raise ServiceError(_("默认评价不能是差评"), field="DEFAULT_RATING_LEVEL")
    now = now or clock.now()
    after = int(conf("DEFAULT_RATING_AFTER_DAYS", 7))
    cutoff = now - dt.timedelta(days=after)
    since = since or cutoff - dt.timedelta(days=int(conf("DEFAULT_RATING_LOOKBACK_DAYS", 30)))
    rated = set(Rating.objects.filter(sequence=1).values_list("target_kind", "target_id"))
    written = 0
    for target in targets.unrated_before(cutoff, rated, since=since, limit=limit):
        try:
            with transaction.atomic():
                # dated when the rating period ran out (the day the task should have given it), never later
                due = target.served_at + dt.timedelta(days=after) if target.served_at else now
                rating = Rating.objects.create(
                    target_kind=target.kind, target_id=target.id, sequence=1, level=level, channel="",
                    reasons=[], anonymous=True, is_default=True, rated_at=min(due, now), **_attribution(target))
                RatingEvent.objects.create(rating=rating, kind=RatingEvent.Kind.DEFAULTED, at=now,
                                           detail={"level": level, "after_days": after})
        except IntegrityError:
            continue  # rated meanwhile
        written += 1
    return written


# ------------------------------------------------------------------ rectification

RECT_ACTIONS_LABELS = {
    "opened": gettext_lazy("差评生成整改单"),
    "verify_valid": gettext_lazy("核实为有效差评"),
    "appeal": gettext_lazy("工作人员申诉"),
    "appeal_accepted": gettext_lazy("复核：申诉成立，认定无效差评"),
    "appeal_rejected": gettext_lazy("复核：申诉不成立，认定有效差评"),
    "fix_now": gettext_lazy("立行立改"),
    "fix_deadline": gettext_lazy("限期整改"),
    "explain": gettext_lazy("解释说明"),
    "fix_done": gettext_lazy("整改完成"),
    "callback": gettext_lazy("回访群众"),
    "close": gettext_lazy("办结"),
    "followup_rated": gettext_lazy("群众追评后办结"),
}


def _open_rectification(rating: Rating, now: dt.datetime) -> Rectification:
    due = deadline_after(clock.today(), int(conf("BAD_REVIEW_FIX_WORKDAYS", 15)))
    rec = Rectification.objects.create(rating=rating, department_id=rating.department_id, state=RectState.PENDING,
                                       due_on=due.date, due_provisional=due.provisional, opened_at=now, updated_at=now)
    RectificationEvent.objects.create(rectification=rec, action="opened", from_state="", to_state=RectState.PENDING,
                                      at=now, note=",".join(rating.reasons))
    return rec


def can_work_rectification(user: Any, rec: Rectification) -> bool:
    """Supervisors work every record; reviewers and department heads those of their own department."""
    if has_role(user, Role.SUPERVISOR):
        return True
    if has_role(user, Role.REVIEWER, Role.DEPARTMENT_HEAD):
        return rec.department_id is not None and rec.department_id == user_department_id(user)
    return False


def _rect_move(rec: Rectification, to: str, *, action: str, actor: Any, now: dt.datetime, note: str = "",
               **fields: Any) -> Rectification:
    before = rec.state
    for name, value in fields.items():
        setattr(rec, name, value)
    rec.state = to
    rec.updated_at = now
    updated = Rectification.objects.filter(pk=rec.pk, state=before).update(state=to, updated_at=now, **fields)
    if updated != 1:
        raise Conflict(_("整改单状态已被他人更改，请刷新"), field="state")
    RectificationEvent.objects.create(rectification=rec, action=action, from_state=before, to_state=to, at=now,
                                      actor=actor if actor is not None and actor.is_authenticated else None,
                                      note=note)
    return rec


def can_appeal_rectification(user: Any, rec: Rectification) -> bool:
    """An appeal (申诉) comes from the side that was rated: a reviewer or head of the department concerned, or
    the staff member the review names. Never from the person who wrote the review, never from a supervisor
    (supervisors decide appeals), never from somebody without a staff role."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    rating = rec.rating
    if rating.rater_id is not None and rating.rater_id == user.pk:
        return False
    if has_role(user, Role.REVIEWER, Role.DEPARTMENT_HEAD) and rec.department_id is not None \
            and rec.department_id == user_department_id(user):
        return True
    return rating.clerk_id == user.pk and has_role(user, Role.CLERK, Role.REVIEWER, Role.DEPARTMENT_HEAD)


def _rect_for(rect_id: int, user: Any, *, allowed_states: tuple[str, ...], step: str) -> Rectification:
    rec = Rectification.objects.select_for_update().select_related("rating").filter(pk=rect_id).first()
    if rec is None:
        raise NotFound(_("整改单不存在"), field="id")
    if step == "appeal":
        if not can_appeal_rectification(user, rec):
            raise Forbidden(_("只有被评价的工作人员或责任部门可以申诉，评价人不能申诉"), field="id")
    elif not can_work_rectification(user, rec):
        raise Forbidden(_("您不能处理其他部门的差评整改单"), field="id")
    if rec.state not in allowed_states:
        raise Conflict(_("整改单当前为“%(state)s”，不能%(step)s")
                       % {"state": RectState(rec.state).label, "step": RECT_ACTIONS_LABELS.get(step, step)},
                       field="state")
    return rec


@transaction.atomic
def rectification_verify(*, rect_id: int, actor: Any, note: str = "") -> Rectification:
    note = clean_text(note)
    rec = _rect_for(rect_id, actor, allowed_states=(RectState.PENDING,), step="verify_valid")
    return _rect_move(rec, RectState.VALID, action="verify_valid", actor=actor, now=clock.now(), note=note.strip())


@transaction.atomic
def rectification_appeal(*, rect_id: int, actor: Any, reason: str) -> Rectification:
    """The staff member (or the department) appeals: the review is said to be mistaken or malicious."""
    reason = clean_text(reason)
    if not (reason or "").strip():
        raise ServiceError(_("请填写申诉理由"), field="reason")
    rec = _rect_for(rect_id, actor, allowed_states=(RectState.PENDING,), step="appeal")
    return _rect_move(rec, RectState.APPEALED, action="appeal", actor=actor, now=clock.now(), note=reason.strip(),
                      appeal_reason=reason.strip())


@transaction.atomic
def rectification_review(*, rect_id: int, actor: Any, accept: bool, note: str) -> Rectification:
    """A supervisor decides the appeal: accepted ⇒ invalid bad review (closed); rejected ⇒ valid."""
    note = clean_text(note)
    if not has_role(actor, Role.SUPERVISOR):
        raise Forbidden(_("申诉复核须由督查人员办理"), field="accept")
    if not (note or "").strip():
        raise ServiceError(_("请填写复核意见"), field="note")
    rec = _rect_for(rect_id, actor, allowed_states=(RectState.APPEALED,), step="appeal_accepted")
    if actor.pk in (rec.rating.rater_id, rec.rating.clerk_id) or rec.events.filter(action="appeal",
                                                                                      actor=actor).exists():
        raise Forbidden(_("评价人、被评价人和申诉人不能复核本申诉"), field="accept")
    now = clock.now()
    if accept:
        return _rect_move(rec, RectState.INVALID, action="appeal_accepted", actor=actor, now=now, note=note.strip(),
                          review_note=note.strip(), closed_at=now)
    return _rect_move(rec, RectState.VALID, action="appeal_rejected", actor=actor, now=now, note=note.strip(),
                      review_note=note.strip())


@transaction.atomic
def rectification_dispose(*, rect_id: int, actor: Any, disposition: str, measures: str,
                          workdays: int | None = None) -> Rectification:
    """立行立改 / 限期整改 (deadline in working days, at most BAD_REVIEW_FIX_WORKDAYS) / 解释说明."""
    measures = clean_text(measures)
    if disposition not in Disposition.values:
        raise ServiceError(_("请选择处置方式：立行立改、限期整改或解释说明"), field="disposition")
    if not (measures or "").strip():
        field_label = _("法律依据及解释说明") if disposition == Disposition.EXPLAIN else _("整改措施")
        raise ServiceError(_("请填写%(f)s") % {"f": field_label}, field="measures")
    limit = int(conf("BAD_REVIEW_FIX_WORKDAYS", 15))
    if disposition == Disposition.FIX_DEADLINE:
        workdays = limit if workdays in (None, "") else int(workdays)
        if not 1 <= workdays <= limit:
            raise ServiceError(_("整改期限应为1至%(n)d个工作日") % {"n": limit}, field="workdays")
    rec = _rect_for(rect_id, actor, allowed_states=(RectState.VALID,), step=disposition)
    now = clock.now()
    if disposition == Disposition.FIX_DEADLINE:
        due = deadline_after(clock.today(), workdays)
        return _rect_move(rec, RectState.FIXING, action="fix_deadline", actor=actor, now=now,
                          note=measures.strip(), disposition=disposition, measures=measures.strip(),
                          due_on=due.date, due_provisional=due.provisional)
    return _rect_move(rec, RectState.RECTIFIED, action=disposition, actor=actor, now=now, note=measures.strip(),
                      disposition=disposition, measures=measures.strip(), rectified_at=now)


@transaction.atomic
def rectification_complete(*, rect_id: int, actor: Any, measures: str) -> Rectification:
    measures = clean_text(measures)
    if not (measures or "").strip():
        raise ServiceError(_("请填写整改完成情况"), field="measures")
    rec = _rect_for(rect_id, actor, allowed_states=(RectState.FIXING,), step="fix_done")
    now = clock.now()
    return _rect_move(rec, RectState.RECTIFIED, action="fix_done", actor=actor, now=now, note=measures.strip(),
                      measures=(rec.measures + "\n" + measures.strip()).strip(), rectified_at=now)


@transaction.atomic
def rectification_callback(*, rect_id: int, actor: Any, method: str, outcome: str) -> Rectification:
    """回访: the citizen is told the outcome; what they said is recorded."""
    outcome = clean_text(outcome)
    if method not in CallbackMethod.values:
        raise ServiceError(_("请选择回访方式"), field="method")
    if not (outcome or "").strip():
        raise ServiceError(_("请填写回访结果"), field="outcome")
    rec = _rect_for(rect_id, actor, allowed_states=(RectState.RECTIFIED,), step="callback")
    if rec.rating.anonymous and method != CallbackMethod.ANONYMOUS:
        raise ServiceError(_("匿名评价无联系方式，回访方式请选择“匿名评价·结果公示”"), field="method")
    if not rec.rating.anonymous and method == CallbackMethod.ANONYMOUS:
        raise ServiceError(_("实名差评须电话、短信或现场回访"), field="method")
    return _rect_move(rec, RectState.CALLED_BACK, action="callback", actor=actor, now=clock.now(),
                      note=outcome.strip(), callback_method=method, callback_outcome=outcome.strip())


@transaction.atomic
def rectification_close(*, rect_id: int, actor: Any, note: str = "") -> Rectification:
    note = clean_text(note)
    rec = _rect_for(rect_id, actor, allowed_states=(RectState.CALLED_BACK,), step="close")
    now = clock.now()
    return _rect_move(rec, RectState.CLOSED, action="close", actor=actor, now=now, note=note.strip(), closed_at=now)


RECT_STEPS = {
    "verify": rectification_verify,
    "appeal": rectification_appeal,
    "review": rectification_review,
    "dispose": rectification_dispose,
    "complete": rectification_complete,
    "callback": rectification_callback,
    "close": rectification_close,
}


# ------------------------------------------------------------------ citizen voice


def route_department(category: SuggestionCategory, text: str) -> Department | None:
    """The first rule of the category whose keyword occurs in the text (blank keyword: always), else the
    category's default unit, else None (a supervisor assigns it)."""
    for rule in RoutingRule.objects.filter(category=category).select_related("department").order_by("priority", "id"):
        if not rule.keyword or rule.keyword in text:
            return rule.department
    return category.department


def _suggestion_number(day: dt.date) -> str:
    return f"JY{day:%Y%m%d}{counter_next(scope='feedback.suggestion', day=day):04d}"


def _sugg_event(s: Suggestion, action: str, before: str, actor: Any, now: dt.datetime, note: str = "",
                detail: dict | None = None) -> None:
    SuggestionEvent.objects.create(suggestion=s, action=action, from_state=before, to_state=s.state, at=now,
                                   actor=actor if actor is not None and getattr(actor, "is_authenticated", False)
                                   else None, note=note, detail=detail or {})


@dataclass
class SuggestionInput:
    category: str
    description: str
    channel: str = VoiceChannel.WEB
    kind: str = SuggestionKind.SUGGESTION
    title: str = ""
    citizen_name: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    address_id: str = ""
    lat: Any = None
    long: Any = None
    media_url: str = ""
    device_id: str = ""
    account_id: str = ""
    attributes: dict | None = None
    received_at: dt.datetime | None = None


def _decimal(value: Any, field: str, lo: int, hi: int) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ServiceError(_("%(f)s应为数字") % {"f": field}, field=field) from exc
    if not number.is_finite():  # NaN / Infinity: a comparison with NaN raises InvalidOperation
        raise ServiceError(_("%(f)s应为数字") % {"f": field}, field=field)
    if not (lo <= number <= hi):
        raise ServiceError(_("%(f)s超出范围") % {"f": field}, field=field)
    return number.quantize(Decimal("0.000001"))


def _validate_suggestion(data: SuggestionInput, *, phone_required: bool) -> tuple[SuggestionCategory, dict]:
    problems: list[FieldProblem] = []
    category = SuggestionCategory.objects.filter(code=data.category, active=True).select_related("department").first()
    if category is None:
        problems.append(FieldProblem("category", _("请选择反映类别")))
    description = clean_text(data.description).strip()
    if not description:
        problems.append(FieldProblem("description", _("请填写反映内容")))
    elif len(description) > 2000:
        problems.append(FieldProblem("description", _("反映内容不能超过2000字")))
    if data.channel not in VoiceChannel.values:
        problems.append(FieldProblem("channel", _("来源渠道无效")))
    if data.kind not in SuggestionKind.values:
        problems.append(FieldProblem("kind", _("诉求类型无效")))
    phone = ""
    try:
        phone = _clean_phone(clean_text(data.phone), "phone", required=phone_required)
    except ServiceError as exc:
        problems.extend(exc.problems)
    fields: dict[str, Any] = {}
    try:
        fields["lat"] = _decimal(data.lat, "lat", -90, 90)
        fields["long"] = _decimal(data.long, "long", -180, 180)
    except ServiceError as exc:
        problems.extend(exc.problems)
    if problems:
        raise ServiceError(problems[0].message, problems=problems)
    def line(value: Any, n: int) -> str:  # one-line fields: no line breaks or tabs either
        return " ".join(clean_text(value).split())[:n]

    fields.update(
        description=description, title=line(data.title, 200), citizen_name=line(data.citizen_name, 50),
        phone=phone, email=line(data.email, 120), address=line(data.address, 200),
        address_id=line(data.address_id, 60), media_url=line(data.media_url, 500),
        device_id=line(data.device_id, 100), account_id=line(data.account_id, 100),
        attributes={line(k, 60): line(v, 500) for k, v in (data.attributes or {}).items()},
        kind=data.kind, channel=data.channel)
    return category, fields  # type: ignore[return-value]


def _create_suggestion(category: SuggestionCategory, fields: dict, *, actor: Any, received_at: dt.datetime | None,
                       idempotency_key: str | None, idempotency_scope: str = "",
                       idempotency_fingerprint: str = "") -> Suggestion:
    now = clock.now()
    received_at = received_at or now
    day = received_at.astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    department = route_department(category, fields["description"] + " " + fields["title"])
    due = deadline_after(day, category.due_workdays)
    s = Suggestion.objects.create(
        number=_suggestion_number(clock.today()), category=category, department=department,
        state=SuggestionState.ASSIGNED if department else SuggestionState.UNASSIGNED,
        due_on=due.date, due_provisional=due.provisional, received_at=received_at, updated_at=now,
        public=fields["channel"] == VoiceChannel.OPEN311,  # filed on the public Open311 interface: public
        idempotency_key=idempotency_key or None, idempotency_scope=idempotency_scope if idempotency_key else "",
        idempotency_fingerprint=idempotency_fingerprint if idempotency_key else "",
        recorded_by=actor if actor is not None and getattr(actor, "is_authenticated", False) else None, **fields)
    _sugg_event(s, "received", "", actor, now, detail={"channel": s.channel})
    if department:
        _sugg_event(s, "routed", s.state, actor, now, note=department.name, detail={"department_id": department.pk})
    return s


def suggestion_fingerprint(data: SuggestionInput) -> str:
    """What a retried submission must repeat to be the same request (core.idempotency)."""
    return request_fingerprint({
        "category": data.category, "description": clean_text(data.description).strip(), "kind": data.kind,
        "title": data.title, "citizen_name": data.citizen_name, "phone": data.phone, "email": data.email,
        "address": data.address, "address_id": data.address_id, "channel": data.channel,
        "lat": str(data.lat or ""), "long": str(data.long or "")})


def suggestion_submit(*, data: SuggestionInput, actor: Any = None, idempotency_key: str | None = None,
                      idempotency_scope: str = "", phone_required: bool = True) -> Suggestion:
    """Receive a suggestion/complaint, number it, route it to the responsible unit and set the due date.

    A retry with the same idempotency key returns the first record, but only to the same submitter
    (`idempotency_scope`: `user:<pk>`, `session:<key>`, `anon:<address>`; by default the actor's) and only
    for the same body: the same key with a different body is a 409, another submitter's key finds nothing."""
    key = clean_key(idempotency_key, field="idempotency_key")
    scope = (idempotency_scope or core_idempotency_scope(actor=actor))[:80] if key else ""
    fingerprint = suggestion_fingerprint(data) if key else ""
    if key:
        existing = Suggestion.objects.filter(idempotency_scope=scope, idempotency_key=key).first()
        if existing is not None:
            return idempotent_replay(existing, fingerprint=fingerprint)
    category, fields = _validate_suggestion(data, phone_required=phone_required)
    try:
        with transaction.atomic():
            return _create_suggestion(category, fields, actor=actor, received_at=data.received_at,
                                      idempotency_key=key or None, idempotency_scope=scope,
                                      idempotency_fingerprint=fingerprint)
    except IntegrityError:
        existing = Suggestion.objects.filter(idempotency_scope=scope, idempotency_key=key).first() if key else None
        if existing is None:
            raise
        return idempotent_replay(existing, fingerprint=fingerprint)


def can_work_suggestion(user: Any, s: Suggestion) -> bool:
    if has_role(user, Role.SUPERVISOR):
        return True
    if has_role(user, Role.REVIEWER, Role.DEPARTMENT_HEAD):
        return s.department_id is not None and s.department_id == user_department_id(user)
    return False


def _sugg_for(suggestion_id: int, user: Any, *, states: tuple[str, ...], step: str,
              not_recorder: bool = False) -> Suggestion:
    s = Suggestion.objects.select_for_update().filter(pk=suggestion_id).first()
    if s is None:
        raise NotFound(_("意见建议不存在"), field="id")
    if not can_work_suggestion(user, s):
        raise Forbidden(_("您不能办理其他单位的意见建议"), field="id")
    if not_recorder and s.recorded_by_id is not None and s.recorded_by_id == getattr(user, "pk", None):
        # staff answering what they filed themselves would count towards their own unit's figures
        raise Forbidden(_("本人登记的意见建议须由责任单位其他人员答复"), field="id")
    if s.state not in states:
        raise Conflict(_("该件当前为“%(state)s”，不能%(step)s")
                       % {"state": SuggestionState(s.state).label, "step": step}, field="state")
    return s


def _sugg_save(s: Suggestion, before: str, **fields: Any) -> None:
    updated = Suggestion.objects.filter(pk=s.pk, state=before).update(**fields)
    if updated != 1:
        raise Conflict(_("该件已被他人处理，请刷新"), field="state")
    for name, value in fields.items():
        setattr(s, name, value)


@transaction.atomic
def suggestion_reassign(*, suggestion_id: int, department_id: int, actor: Any, note: str = "") -> Suggestion:
    """A supervisor sends the suggestion to another unit (改派); the due date stays."""
    if not has_role(actor, Role.SUPERVISOR):
        raise Forbidden(_("改派须由督查人员办理"), field="department")
    department = Department.objects.filter(pk=department_id).first()
    if department is None:
        raise ServiceError(_("请选择责任单位"), field="department")
    s = _sugg_for(suggestion_id, actor, states=(SuggestionState.UNASSIGNED, SuggestionState.ASSIGNED),
                  step=_("改派"))
    if s.department_id == department.pk:
        raise Conflict(_("该件已由%(d)s办理") % {"d": department.name}, field="department")
    before, now = s.state, clock.now()
    _sugg_save(s, before, department=department, state=SuggestionState.ASSIGNED, updated_at=now)
    _sugg_event(s, "reassigned", before, actor, now, note=clean_text(note).strip() or department.name,
                detail={"department_id": department.pk})
    return s


@transaction.atomic
def suggestion_answer(*, suggestion_id: int, actor: Any, disposition: str, text: str,
                      plan_due_on: dt.date | None = None) -> Suggestion:
    """The unit answers: 立行立改 / 解释说明 ⇒ answered; 限期整改 with a plan date ⇒ rectifying."""
    if disposition not in Disposition.values:
        raise ServiceError(_("请选择处置方式：立行立改、限期整改或解释说明"), field="disposition")
    text = clean_text(text)
    if not text.strip():
        raise ServiceError(_("请填写答复内容"), field="text")
    if disposition == Disposition.FIX_DEADLINE and (plan_due_on is None or plan_due_on < clock.today()):
        raise ServiceError(_("限期整改须填写不早于今天的计划完成日期"), field="plan_due_on")
    s = _sugg_for(suggestion_id, actor, states=(SuggestionState.ASSIGNED,), step=_("答复"), not_recorder=True)
    before, now = s.state, clock.now()
    to = SuggestionState.RECTIFYING if disposition == Disposition.FIX_DEADLINE else SuggestionState.ANSWERED
    _sugg_save(s, before, state=to, disposition=disposition, answered_at=s.answered_at or now, updated_at=now,
               plan_due_on=plan_due_on if disposition == Disposition.FIX_DEADLINE else None)
    SuggestionReply.objects.create(suggestion=s, text=text.strip(), disposition=disposition,
                                   department_id=s.department_id, at=now, author=actor)
    _sugg_event(s, "answered", before, actor, now, note=text.strip(), detail={"disposition": disposition})
    return s


@transaction.atomic
def suggestion_complete(*, suggestion_id: int, actor: Any, text: str) -> Suggestion:
    """限期整改 done: the unit reports what was fixed (a second reply)."""
    text = clean_text(text)
    if not text.strip():
        raise ServiceError(_("请填写整改完成情况"), field="text")
    s = _sugg_for(suggestion_id, actor, states=(SuggestionState.RECTIFYING,), step=_("报告整改完成"),
                  not_recorder=True)
    before, now = s.state, clock.now()
    _sugg_save(s, before, state=SuggestionState.ANSWERED, updated_at=now)
    SuggestionReply.objects.create(suggestion=s, text=text.strip(), disposition=Disposition.FIX_DEADLINE,
                                   department_id=s.department_id, at=now, author=actor)
    _sugg_event(s, "rectified", before, actor, now, note=text.strip())
    return s


@transaction.atomic
def suggestion_close(*, suggestion_id: int, actor: Any, note: str = "") -> Suggestion:
    """Close an answered suggestion (nothing closes without a reply: the answered state requires one)."""
    note = clean_text(note)
    s = _sugg_for(suggestion_id, actor, states=(SuggestionState.ANSWERED,), step=_("办结（须先答复）"))
    if not s.replies.exists():
        raise Conflict(_("没有答复的件不能办结"), field="state")
    before, now = s.state, clock.now()
    _sugg_save(s, before, state=SuggestionState.CLOSED, closed_at=now, updated_at=now)
    _sugg_event(s, "closed", before, actor, now, note=(note or "").strip())
    return s


@transaction.atomic
def suggestion_publish(*, suggestion_id: int, actor: Any, public: bool, note: str = "") -> Suggestion:
    """Publish a suggestion on Open311 (公开) or withdraw it from there. Published text is masked (phone
    numbers, ID numbers, the reporter's name); the reporter's contact details are never published."""
    s = Suggestion.objects.select_for_update().filter(pk=suggestion_id).first()
    if s is None:
        raise NotFound(_("意见建议不存在"), field="id")
    if not can_work_suggestion(user=actor, s=s):
        raise Forbidden(_("您不能办理其他单位的意见建议"), field="id")
    public = bool(public)
    if s.public == public:
        raise Conflict(_("该件已公开") if public else _("该件未公开"), field="public")
    now = clock.now()
    Suggestion.objects.filter(pk=s.pk).update(public=public, updated_at=now)
    s.public, s.updated_at = public, now
    _sugg_event(s, "published" if public else "unpublished", s.state, actor, now, note=clean_text(note).strip(),
                detail={"public": public})
    audit_log(actor=actor, action="feedback.suggestion_publish" if public else "feedback.suggestion_unpublish",
              target=s, detail={"number": s.number})
    return s


def suggestion_lookup(*, number: str, phone_last4: str) -> Suggestion:
    """The citizen's view: by number plus the last four digits of the phone given when reporting."""
    number = (number or "").strip().upper()
    last4 = (phone_last4 or "").strip()
    if not number:
        raise ServiceError(_("请填写受理编号"), field="number")
    if not re.fullmatch(r"\d{4}", last4):
        raise ServiceError(_("请填写手机号码后四位（4位数字）"), field="phone_last4")
    s = Suggestion.objects.select_related("category", "department").filter(number=number).first()
    if s is None or len(s.phone) < 4 or s.phone[-4:] != last4:
        raise NotFound(_("编号或手机号码后四位不正确"), field="number")
    return s


# -------------------------------------------------------------- Excel import of survey callbacks

SURVEY_COLUMNS = ["回访日期", "姓名", "联系电话", "类别编码", "反映内容", "诉求类型"]
KIND_BY_LABEL = {str(k.label): k.value for k in SuggestionKind} | {k.value: k.value for k in SuggestionKind}


def suggestion_import_survey(*, file: Any, actor: Any) -> list[Suggestion]:
    """Import survey callbacks (回访调查) from .xlsx: all rows or none; errors name row and column."""
    from openpyxl import load_workbook

    try:
        data = file.read() if hasattr(file, "read") else file
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise ServiceError(_("无法读取文件，请上传 .xlsx 格式的 Excel 文件"), field="file") from exc
    ws = wb.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    if not rows:
        raise ServiceError(_("文件是空的"), field="file")
    header = [str(c).strip() if c is not None else "" for c in rows[0]]
    missing = [c for c in SURVEY_COLUMNS[:5] if c not in header]
    if missing:
        raise ServiceError(_("缺少列：%(cols)s（第1行应为：%(all)s）") % {"cols": "、".join(missing),
                                                                  "all": "、".join(SURVEY_COLUMNS)}, field="file")
    idx = {name: header.index(name) for name in SURVEY_COLUMNS if name in header}
    problems: list[FieldProblem] = []
    prepared: list[tuple[SuggestionCategory, dict, dt.datetime]] = []
    categories = {c.code: c for c in SuggestionCategory.objects.filter(active=True).select_related("department")}
    tz = dt.timezone(dt.timedelta(hours=8))

    def cell(row: tuple, name: str) -> Any:
        i = idx.get(name)
        return row[i] if i is not None and i < len(row) else None

    for n, row in enumerate(rows[1:], start=2):
        if all(v in (None, "") for v in row):
            continue
        where = _("第%(n)d行") % {"n": n}
        raw_day = cell(row, "回访日期")
        when: dt.datetime | None = None
        if isinstance(raw_day, dt.datetime):
            when = raw_day.replace(tzinfo=tz) if raw_day.tzinfo is None else raw_day
        elif isinstance(raw_day, dt.date):
            when = dt.datetime.combine(raw_day, dt.time(9, 0), tzinfo=tz)
        else:
            try:
                when = dt.datetime.combine(dt.date.fromisoformat(str(raw_day).strip()), dt.time(9, 0), tzinfo=tz)
            except (TypeError, ValueError):
                problems.append(FieldProblem(f"{where}·回访日期", _("%(w)s“回访日期”应为日期，如 2026-11-02") % {"w": where}))
        if when is not None and when > clock.now():
            problems.append(FieldProblem(f"{where}·回访日期", _("%(w)s“回访日期”不能晚于今天") % {"w": where}))
        code = str(cell(row, "类别编码") or "").strip()
        if code not in categories:
            problems.append(FieldProblem(f"{where}·类别编码", _("%(w)s“类别编码”%(c)s不存在") % {"w": where, "c": code or "（空）"}))
        text = clean_text(cell(row, "反映内容") or "").strip()
        if not text:
            problems.append(FieldProblem(f"{where}·反映内容", _("%(w)s“反映内容”不能为空") % {"w": where}))
        phone = ""
        try:
            phone = _clean_phone(str(cell(row, "联系电话") or ""), "phone", required=True)
        except ServiceError as exc:
            problems.append(FieldProblem(f"{where}·联系电话", f"{where}“联系电话”：{exc.message}"))
        kind_label = str(cell(row, "诉求类型") or "").strip() or SuggestionKind.SUGGESTION.value
        kind = KIND_BY_LABEL.get(kind_label)
        if kind is None:
            problems.append(FieldProblem(f"{where}·诉求类型", _("%(w)s“诉求类型”应为建议、投诉、咨询、求助或表扬") % {"w": where}))
        if code in categories and text and when is not None:
            prepared.append((categories[code], {
                "description": text, "title": "", "citizen_name": " ".join(clean_text(cell(row, "姓名") or "").split())[:50],
                "phone": phone, "email": "", "address": "", "address_id": "", "media_url": "", "device_id": "",
                "account_id": "", "attributes": {}, "kind": kind or SuggestionKind.SUGGESTION,
                "channel": VoiceChannel.SURVEY, "lat": None, "long": None}, when))
    if problems:
        raise ServiceError(_("导入失败，文件未导入任何数据，共%(n)d处错误") % {"n": len(problems)}, problems=problems)
    if not prepared:
        raise ServiceError(_("文件中没有数据行"), field="file")
    created: list[Suggestion] = []
    with transaction.atomic():
        for category, fields, when in prepared:
            created.append(_create_suggestion(category, fields, actor=actor, received_at=when, idempotency_key=None))
        audit_log(actor=actor, action="feedback.survey_import", target_type="feedback.suggestion",
                  detail={"rows": len(created)})
    return created


__all__ = [
    "Channel", "conf", "rating_create", "rating_default_apply", "rating_next_sequence", "rectification_appeal",
    "rectification_callback", "rectification_close", "rectification_complete", "rectification_dispose",
    "rectification_review", "rectification_verify", "route_department", "suggestion_answer",
    "suggestion_close", "suggestion_complete", "suggestion_import_survey", "suggestion_lookup",
    "suggestion_publish", "suggestion_reassign", "suggestion_submit",
]
