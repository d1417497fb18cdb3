"""Commendations received (锦旗, 表扬信), recorded per hall, window and clerk."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from onewindow.core import clock
from onewindow.core.actors import Actor, actor_user
from onewindow.core.errors import ServiceError
from onewindow.hall.models import Counter, Hall
from onewindow.team.models import Commendation, CommendationKind


@transaction.atomic
def commendation_record(*, kind: str, received_on: dt.date, hall: Hall, actor: Actor, counter: Counter | None = None,
                        clerk: User | None = None, giver: str = "", text: str = "",
                        key: str = "") -> tuple[Commendation, bool]:
    """Record a banner or letter received; idempotent with `key` (a retried form or the demo)."""
    if kind not in CommendationKind.values:
        raise ServiceError(_("请选择锦旗或表扬信"), field="kind")
    if received_on > clock.today():
        raise ServiceError(_("收到日期不能晚于今天"), field="received_on")
    if counter is not None and counter.hall_id != hall.pk:
        raise ServiceError(_("窗口不属于该大厅"), field="counter")
    if key:
        existing = Commendation.objects.filter(key=key[:80]).first()
        if existing is not None:
            return existing, False
    row = Commendation.objects.create(kind=kind, received_on=received_on, hall=hall, counter=counter, clerk=clerk,
                                      giver=giver.strip()[:100], text=text.strip()[:2000], key=key[:80],
                                      recorded_by=actor_user(actor), created_at=clock.now())
    return row, True
