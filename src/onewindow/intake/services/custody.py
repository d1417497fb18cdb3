"""Custody of paper for an application: the 24-hour locker (drop materials in, pick results up) and the free
prepaid envelope (免跑腿信封). Every move is `core.events.transition()` on a `Custody` row, one `CustodyEvent` each.

    drop, code = custody_book_drop(application=app, locker=locker, actor=citizen)   # code shown once
    locker_open(device=terminal, application_number=app.number, code=code)          # any hour: dropped
    custody_collect(custody=drop, actor=clerk)                                      # collected by the clerk

A code is 8 characters from an alphabet without look-alikes (31^8 ≈ 8.5·10^11), works once, expires, and is
bound to its application and locker: only an HMAC of (application number, code) is stored, and a terminal
must name the application it opens for. Tries per application and per terminal are rate-limited.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onewindow.cases.models import Application
from onewindow.core import clock
from onewindow.core.actors import Actor, actor_user
from onewindow.core.counters import counter_next
from onewindow.core.errors import Conflict, Forbidden, NotFound, ServiceError
from onewindow.core.events import record_event, transition
from onewindow.intake import conf
from onewindow.intake.access import can_act_for_applicant, is_hall_clerk
from onewindow.intake.models import (
    OCCUPIED,
    Custody,
    CustodyEvent,
    CustodyKind,
    CustodyStatus,
    Locker,
    LockerDevice,
)

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
TRACKING = re.compile(r"[A-Za-z0-9-]{6,30}")
#: applications whose cases are all finished take no more paper in
CLOSED_APPLICATION = ("withdrawn", "closed", "delivered", "empty")

ACTION_LABELS = {
    "book": gettext_lazy("预约投递"), "drop": gettext_lazy("投递材料"), "collect": gettext_lazy("窗口取件"),
    "place": gettext_lazy("放入结果"), "pickup": gettext_lazy("领取结果"), "issue_code": gettext_lazy("发放取件码"),
    "request": gettext_lazy("申领信封"), "mail": gettext_lazy("寄出"), "receive": gettext_lazy("窗口签收"),
    "cancel": gettext_lazy("取消"),
}


def _code_hash(application_number: str, code: str) -> str:
    key = f"onewindow.intake.locker-code:{settings.SECRET_KEY}".encode()
    return hmac.new(key, f"{application_number}:{code.strip().upper()}".encode(), hashlib.sha256).hexdigest()


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _number(day: dt.date) -> str:
    return f"WZ{day:%Y%m%d}-{counter_next(scope='custody', day=day):04d}"


def _open_application(application: Application, actor: Actor) -> None:
    if not can_act_for_applicant(actor, application):
        raise Forbidden(_("只有申请人本人、大厅工作人员或代收网点可以办理"), field="application")
    if application.status in CLOSED_APPLICATION:
        raise Conflict(_("该申请已结束，不再收取材料"), field="application")


def _create(application: Application, *, kind: str, status: str, actor: Actor, action: str,
            locker: Locker | None = None, **fields: object) -> Custody:
    now = clock.now()
    item = Custody.objects.create(number=_number(clock.today()), application=application, kind=kind, status=status,
                                  locker=locker, created_by=actor_user(actor), created_at=now, updated_at=now,
                                  **fields)
    record_event(item, event_model=CustodyEvent, action=action, actor=actor, to_status=status,
                 correlation=application.number, data={"locker": locker.code if locker else ""}, at=now)
    return item


def _get_locker(locker: Locker | None) -> Locker:
    if locker is None or not locker.active:
        raise ServiceError(_("请选择启用的文件柜"), field="locker")
    return locker


# --------------------------------------------------------------------------- locker: materials in


@transaction.atomic
def custody_book_drop(*, application: Application, locker: Locker | None, actor: Actor) -> tuple[Custody, str]:
    """Book a drop of paper materials into `locker`: a new one-time code (returned once, never stored). A booking
    not yet used is cancelled by the new one, so a lost code is replaced, not doubled."""
    _open_application(application, actor)
    locker = _get_locker(locker)
    for old in Custody.objects.filter(application=application, kind=CustodyKind.LOCKER_DROP,
                                      status=CustodyStatus.BOOKED):
        transition(old, to=CustodyStatus.CANCELLED, allowed_from={CustodyStatus.BOOKED}, action="cancel",
                   action_label=ACTION_LABELS["cancel"], actor=actor, event_model=CustodyEvent,
                   correlation=application.number, reason=_("重新预约，旧投递码作废"), audit=False)
    code = _new_code()
    item = _create(application, kind=CustodyKind.LOCKER_DROP, status=CustodyStatus.BOOKED, actor=actor,
                   action="book", locker=locker, code_hash=_code_hash(application.number, code),
                   code_expires_at=clock.now() + dt.timedelta(hours=conf.drop_code_hours()))
    return item, code


def _free_compartment(locker: Locker) -> int:
    # the locker row is locked for the rest of the transaction so two terminals cannot take the same compartment
    Locker.objects.select_for_update().filter(pk=locker.pk).first()
    taken = set(Custody.objects.filter(locker=locker, status__in=OCCUPIED).values_list("compartment", flat=True))
    for n in range(1, locker.compartments + 1):
        if n not in taken:
            return n
    raise Conflict(_("文件柜已满，请到窗口办理或稍后再试"), field="locker")


@transaction.atomic
def locker_open(*, device: LockerDevice, application_number: str, code: str) -> Custody:
    """A terminal opens a compartment for a code: a booked drop (materials go in) or results ready (taken out).
    The code must be this application's, for this locker, unused and unexpired; else nothing opens."""
    number = str(application_number or "").strip()[:20]
    code = str(code or "").strip().upper()[:20]
    invalid = NotFound(_("申请编号或取件码不正确"), field="code")
    if not number or len(code) != CODE_LENGTH:
        raise invalid
    item = (Custody.objects.select_related("application", "locker")
            .filter(application__number=number, locker=device.locker, code_hash=_code_hash(number, code),
                    status__in=(CustodyStatus.BOOKED, CustodyStatus.READY)).first())
    if item is None:
        raise invalid
    now = clock.now()
    if item.code_expires_at is None or item.code_expires_at <= now:
        raise Conflict(_("取件码已过期，请重新获取"), field="code")
    device_data = {"device": device.pk, "locker": device.locker.code}
    if item.status == CustodyStatus.BOOKED:
        compartment = _free_compartment(device.locker)
        return transition(item, to=CustodyStatus.DROPPED, allowed_from={CustodyStatus.BOOKED}, action="drop",
                          action_label=ACTION_LABELS["drop"], actor=None, event_model=CustodyEvent,
                          correlation=number, data={**device_data, "compartment": compartment},
                          changes={"compartment": compartment, "code_used_at": now})
    return transition(item, to=CustodyStatus.PICKED_UP, allowed_from={CustodyStatus.READY}, action="pickup",
                      action_label=ACTION_LABELS["pickup"], actor=None, event_model=CustodyEvent,
                      correlation=number, data={**device_data, "compartment": item.compartment},
                      changes={"code_used_at": now})


@transaction.atomic
def custody_collect(*, custody: Custody, actor: Actor) -> Custody:
    """The clerk takes dropped materials out of the locker (取件) and into the hall."""
    if not is_hall_clerk(actor):
        raise Forbidden(_("只有窗口工作人员可以取件"), field="custody")
    return transition(custody, to=CustodyStatus.COLLECTED, allowed_from={CustodyStatus.DROPPED}, action="collect",
                      action_label=ACTION_LABELS["collect"], actor=actor, event_model=CustodyEvent,
                      correlation=custody.application.number, data={"compartment": custody.compartment})


# --------------------------------------------------------------------------- locker: results out


@transaction.atomic
def custody_place_result(*, application: Application, locker: Locker | None, actor: Actor) -> Custody:
    """The clerk puts an application's results into a free compartment; the applicant then gets a pickup code."""
    if not is_hall_clerk(actor):
        raise Forbidden(_("只有窗口工作人员可以放入结果"), field="application")
    locker = _get_locker(locker)
    compartment = _free_compartment(locker)
    return _create(application, kind=CustodyKind.LOCKER_PICKUP, status=CustodyStatus.READY, actor=actor,
                   action="place", locker=locker, compartment=compartment)


@transaction.atomic
def custody_issue_code(*, custody: Custody, actor: Actor) -> str:
    """A new pickup code for results waiting in a compartment (the old one stops working); returned once."""
    _open_or_done(custody.application, actor)
    if custody.kind != CustodyKind.LOCKER_PICKUP or custody.status != CustodyStatus.READY:
        raise Conflict(_("只有待领取的结果可以获取取件码"), field="custody")
    code = _new_code()
    Custody.objects.filter(pk=custody.pk).update(
        code_hash=_code_hash(custody.application.number, code),
        code_expires_at=clock.now() + dt.timedelta(days=conf.pickup_code_days()), updated_at=clock.now())
    record_event(custody, event_model=CustodyEvent, action="issue_code", actor=actor,
                 correlation=custody.application.number, audit=True)
    custody.refresh_from_db()
    return code


def _open_or_done(application: Application, actor: Actor) -> None:
    if not can_act_for_applicant(actor, application):
        raise Forbidden(_("只有申请人本人、大厅工作人员或代收网点可以办理"), field="application")


# --------------------------------------------------------------------------- the free envelope


@transaction.atomic
def custody_request_envelope(*, application: Application, actor: Actor) -> Custody:
    """Ask for a free prepaid envelope (免跑腿信封) to mail the materials in."""
    _open_application(application, actor)
    if Custody.objects.filter(application=application, kind=CustodyKind.ENVELOPE,
                              status__in=(CustodyStatus.REQUESTED, CustodyStatus.MAILED)).exists():
        raise Conflict(_("该申请已有一个在途的信封"), field="application")
    return _create(application, kind=CustodyKind.ENVELOPE, status=CustodyStatus.REQUESTED, actor=actor,
                   action="request")


def _tracking(value: str) -> str:
    number = str(value or "").strip()
    if not TRACKING.fullmatch(number):
        raise ServiceError(_("请填写正确的快递单号（6-30位字母或数字）"), field="tracking_number")
    return number


@transaction.atomic
def custody_mail(*, custody: Custody, tracking_number: str, actor: Actor) -> Custody:
    """The envelope is in the post: its tracking number is recorded."""
    _open_or_done(custody.application, actor)
    if custody.kind != CustodyKind.ENVELOPE:
        raise Conflict(_("只有信封可以登记快递单号"), field="custody")
    number = _tracking(tracking_number)
    return transition(custody, to=CustodyStatus.MAILED, allowed_from={CustodyStatus.REQUESTED}, action="mail",
                      action_label=ACTION_LABELS["mail"], actor=actor, event_model=CustodyEvent,
                      correlation=custody.application.number, data={"tracking_number": number},
                      changes={"tracking_number": number})


@transaction.atomic
def custody_receive(*, custody: Custody, actor: Actor, tracking_number: str = "") -> Custody:
    """The clerk signs for the envelope at the hall (with its tracking number if none was recorded)."""
    if not is_hall_clerk(actor):
        raise Forbidden(_("只有窗口工作人员可以签收"), field="custody")
    if custody.kind != CustodyKind.ENVELOPE:
        raise Conflict(_("只有信封可以签收"), field="custody")
    changes = {}
    if tracking_number or not custody.tracking_number:
        changes["tracking_number"] = _tracking(tracking_number)
    return transition(custody, to=CustodyStatus.RECEIVED, allowed_from={CustodyStatus.REQUESTED, CustodyStatus.MAILED},
                      action="receive", action_label=ACTION_LABELS["receive"], actor=actor, event_model=CustodyEvent,
                      correlation=custody.application.number, data=changes, changes=changes)


@transaction.atomic
def custody_cancel(*, custody: Custody, actor: Actor, reason: str = "") -> Custody:
    """Withdraw a booking not yet used or an envelope not yet mailed."""
    _open_or_done(custody.application, actor)
    return transition(custody, to=CustodyStatus.CANCELLED, allowed_from={CustodyStatus.BOOKED, CustodyStatus.REQUESTED},
                      action="cancel", action_label=ACTION_LABELS["cancel"], actor=actor, event_model=CustodyEvent,
                      correlation=custody.application.number, reason=" ".join(str(reason or "").split())[:200])
