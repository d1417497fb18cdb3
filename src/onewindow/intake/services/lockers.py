"""A locker's terminal is a paired device, as a hall's rating pad is (hall.services.pads): a clerk or supervisor
issues a signed one-time pairing code for one locker; the terminal posts it and receives a random secret that it
sends with every call (`X-Locker-Device`); only the secret's SHA-256 is stored. Pairings expire and can be revoked.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from onewindow.core import clock
from onewindow.core.access import Role, has_role
from onewindow.core.actors import Actor, actor_user
from onewindow.core.audit import audit_log
from onewindow.core.errors import Conflict, Forbidden, NotFound
from onewindow.intake import conf
from onewindow.intake.models import Locker, LockerDevice

DEVICE_HEADER = "HTTP_X_LOCKER_DEVICE"
PAIRING_SALT = "onewindow.intake.locker-pairing.v1"


def _secret_hash(secret: str) -> str:
    return hashlib.sha256(f"{PAIRING_SALT}:{secret}".encode()).hexdigest()


def can_pair(user: Actor) -> bool:
    return has_role(user, Role.CLERK, Role.SUPERVISOR)


def locker_pairing_code(*, locker: Locker, actor: Actor) -> str:
    """A signed one-time pairing code for `locker`, valid LOCKER_PAIRING_MINUTES."""
    user = actor_user(actor)
    if user is None or not can_pair(user):
        raise Forbidden(_("只有大厅工作人员可以配对文件柜终端"), field="locker")
    if not locker.active:
        raise Conflict(_("该文件柜已停用"), field="locker")
    payload = [locker.pk, user.pk, secrets.token_urlsafe(12), int(clock.now().timestamp())]
    return signing.Signer(salt=PAIRING_SALT).sign_object(payload)


def locker_pair(*, code: str, label: str = "") -> tuple[LockerDevice, str]:
    """Pair the terminal that posts a valid, unexpired, unused pairing code: the device and its secret."""
    invalid = NotFound(_("配对码无效或已过期，请重新生成"), field="code")
    try:
        locker_id, user_id, nonce, issued = signing.Signer(salt=PAIRING_SALT).unsign_object(str(code)[:400])
    except (signing.BadSignature, ValueError, TypeError):
        raise invalid from None
    if not all(isinstance(v, int) for v in (locker_id, user_id, issued)) or not isinstance(nonce, str):
        raise invalid
    age = clock.now().timestamp() - issued
    if age < -60 or age > conf.pairing_minutes() * 60:
        raise invalid
    locker = Locker.objects.filter(pk=locker_id, active=True).first()
    if locker is None:
        raise invalid
    secret = secrets.token_urlsafe(32)
    now = clock.now()
    try:
        with transaction.atomic():
            device = LockerDevice.objects.create(
                locker=locker, secret_hash=_secret_hash(secret), pairing_nonce=nonce[:32],
                label=" ".join(str(label or "").split())[:120], paired_by_id=user_id, paired_at=now,
                expires_at=now + dt.timedelta(days=conf.device_days()), last_seen_at=now)
            audit_log(actor=device.paired_by, action="intake.locker_paired", target=device,
                      detail={"locker": locker.code, "label": device.label})
    except IntegrityError:
        raise Conflict(_("该配对码已经使用过，请重新生成"), field="code") from None
    return device, secret


def locker_device_for(secret: str | None) -> LockerDevice | None:
    """The active pairing the secret belongs to (None: not a paired terminal, expired or revoked)."""
    if not secret or len(secret) > 100:
        return None
    now = clock.now()
    device = (LockerDevice.objects.select_related("locker__hall")
              .filter(secret_hash=_secret_hash(secret), revoked_at__isnull=True, expires_at__gt=now,
                      locker__active=True).first())
    if device is not None:
        LockerDevice.objects.filter(pk=device.pk).update(last_seen_at=now)
    return device


@transaction.atomic
def locker_device_revoke(*, device: LockerDevice, actor: Actor) -> LockerDevice:
    if not can_pair(actor):
        raise Forbidden(_("只有大厅工作人员可以撤销文件柜终端"), field="device")
    if device.revoked_at is None:
        device.revoked_at = clock.now()
        LockerDevice.objects.filter(pk=device.pk).update(revoked_at=device.revoked_at)
        audit_log(actor=actor, action="intake.locker_revoked", target=device, detail={"locker": device.locker_id})
    return device
