"""A counter's rating pad (评价器) is a paired device: pairing codes, pairing, recognising a pad, revoking it.

The device keeps a random secret in an HttpOnly cookie; only its SHA-256 is stored (PadDevice.secret_hash).
A pairing code is signed, names the counter and who issued it, expires after PAD_PAIRING_MINUTES and works
once (its nonce is stored with the device).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from onewindow.core import clock
from onewindow.core.access import STAFF_ROLES, Role, has_role, user_roles
from onewindow.core.actors import Actor, actor_user
from onewindow.core.audit import audit_log
from onewindow.core.errors import Conflict, Forbidden, NotFound
from onewindow.hall import config
from onewindow.hall.models import ClerkSession, Counter, PadDevice
from onewindow.hall.services.lookups import get_counter

PAD_COOKIE = "ow_pad"
PAD_PAIRING_SALT = "onewindow.hall.pad-pairing.v1"


def _secret_hash(secret: str) -> str:
    return hashlib.sha256(f"{PAD_PAIRING_SALT}:{secret}".encode()).hexdigest()


def can_pair_pad(user: Actor, counter: Counter) -> bool:
    """The clerk signed in at this very counter, or a hall administrator (supervisor, catalog admin)."""
    staff = actor_user(user)
    if staff is None:
        return False
    if has_role(staff, Role.SUPERVISOR, Role.CATALOG_ADMIN):
        return True
    return has_role(staff, Role.CLERK) and ClerkSession.objects.filter(
        counter=counter, clerk=staff, ended_at__isnull=True).exists()


def pad_pairing_code(*, counter: Counter | int, actor: Actor) -> str:
    """A one-time pairing code for `counter`, signed, naming who issued it; valid PAD_PAIRING_MINUTES."""
    counter = get_counter(counter)
    user = actor_user(actor)
    if user is None or not can_pair_pad(user, counter):
        raise Forbidden(_("只有在该窗口签入的受理人员或大厅管理员可以配对评价器"), field="counter")
    payload = [counter.pk, user.pk, secrets.token_urlsafe(12), int(clock.now().timestamp())]
    return signing.Signer(salt=PAD_PAIRING_SALT).sign_object(payload)


@dataclass(frozen=True)
class PairingCode:
    counter: Counter
    issued_by: User
    nonce: str


def _unsigned(code: str) -> tuple[int, int, str]:
    """(counter id, issuer id, nonce) of a well-signed, unexpired code; NotFound otherwise."""
    invalid = NotFound(_("配对地址无效或已过期，请在窗口工作台重新打开配对二维码"), field="code")
    try:
        counter_id, user_id, nonce, issued = signing.Signer(salt=PAD_PAIRING_SALT).unsign_object(str(code))
    except (signing.BadSignature, ValueError, TypeError):
        raise invalid from None
    if not all(isinstance(v, int) for v in (counter_id, user_id, issued)) or not isinstance(nonce, str):
        raise invalid
    age = clock.now().timestamp() - issued
    if age < -60 or age > config.pad_pairing_minutes() * 60:
        raise invalid
    return counter_id, user_id, nonce[:32]


def pad_pairing_read(code: str) -> PairingCode:
    """The counter and issuer of a valid, unexpired, unused pairing code; NotFound / Conflict otherwise."""
    counter_id, user_id, nonce = _unsigned(code)
    if PadDevice.objects.filter(pairing_nonce=nonce).exists():
        raise Conflict(_("该配对地址已经使用过，请在窗口工作台重新打开配对二维码"), field="code")
    counter = Counter.objects.select_related("hall").filter(pk=counter_id, active=True).first()
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if counter is None or not isinstance(user, User) or not can_pair_pad(user, counter):
        # the clerk has signed out (or lost the role) since: the code dies with the session
        raise NotFound(_("配对地址无效或已过期，请在窗口工作台重新打开配对二维码"), field="code")
    return PairingCode(counter=counter, issued_by=user, nonce=nonce)


def pad_pair(*, code: str, user: Actor = None, label: str = "") -> tuple[PadDevice, str]:
    """Pair the browser that opened the pairing address: returns the device and the secret for its cookie.
    A browser signed in as staff is refused: a pad is a device of its own, facing the citizen."""
    if user_roles(user) & STAFF_ROLES:
        raise Forbidden(_("请在评价器设备上打开配对地址（不要在已登录工作人员账号的浏览器上配对）"), field="code")
    pairing = pad_pairing_read(code)
    secret = secrets.token_urlsafe(32)
    now = clock.now()
    try:
        with transaction.atomic():
            device = PadDevice.objects.create(
                counter=pairing.counter, secret_hash=_secret_hash(secret), pairing_nonce=pairing.nonce,
                label=" ".join(str(label or "").split())[:120], paired_by=pairing.issued_by, paired_at=now,
                expires_at=now + dt.timedelta(days=config.pad_device_days()), last_seen_at=now)
            audit_log(actor=pairing.issued_by, action="hall.pad_paired", target=device,
                      detail={"counter": pairing.counter.pk, "label": device.label})
    except IntegrityError:
        raise Conflict(_("该配对地址已经使用过，请在窗口工作台重新打开配对二维码"), field="code") from None
    return device, secret


def pad_device_for(*, counter: Counter, secret: str | None) -> PadDevice | None:
    """The active pairing of this counter that the cookie's secret belongs to (None: not a paired pad)."""
    if not secret or len(secret) > 100:
        return None
    now = clock.now()
    device = PadDevice.objects.filter(secret_hash=_secret_hash(secret), counter=counter, revoked_at__isnull=True,
                                      expires_at__gt=now).first()
    if device is not None and (device.last_seen_at is None or now - device.last_seen_at > dt.timedelta(minutes=5)):
        PadDevice.objects.filter(pk=device.pk).update(last_seen_at=now)  # at most one write per 5 minutes
    return device


def pad_revoke(*, device_id: int, actor: Actor) -> PadDevice:
    """Revoke a pad: from now on it is an unpaired browser (the clerk of its counter or an administrator)."""
    user = actor_user(actor)
    with transaction.atomic():
        device = PadDevice.objects.select_for_update().select_related("counter").filter(pk=device_id).first()
        if device is None:
            raise NotFound(_("评价器设备不存在"), field="device")
        if user is None or not can_pair_pad(user, device.counter):
            raise Forbidden(_("只有在该窗口签入的受理人员或大厅管理员可以撤销评价器"), field="device")
        if device.revoked_at is not None:
            raise Conflict(_("该评价器已撤销"), field="device")
        now = clock.now()
        PadDevice.objects.filter(pk=device.pk).update(revoked_at=now, revoked_by=user)
        device.revoked_at, device.revoked_by = now, user
        audit_log(actor=user, action="hall.pad_revoked", target=device, detail={"counter": device.counter_id})
        return device
