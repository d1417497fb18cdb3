"""What the listening services share: who manages, the idempotency look-up, routing an issue as a suggestion."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from django.db import models
from django.utils.translation import gettext as _

from onewindow.core import clock
from onewindow.core.access import Role, has_role
from onewindow.core.actors import Actor
from onewindow.core.errors import Forbidden, ServiceError
from onewindow.core.idempotency import clean_key, idempotency_scope, idempotent_replay, request_fingerprint
from onewindow.core.validators import clean_text as core_clean_text
from onewindow.feedback.models import VoiceChannel
from onewindow.feedback.services.suggestions import SuggestionInput, suggestion_submit
from onewindow.listening.models import FindingSource, ListeningFinding

MANAGERS = (Role.SUPERVISOR, Role.DEPARTMENT_HEAD)
CHANNEL: dict[str, str] = {FindingSource.FORUM: VoiceChannel.FORUM, FindingSource.EXPERIENCE: VoiceChannel.EXPERIENCE,
           FindingSource.RECEPTION: VoiceChannel.RECEPTION}
TEXT_MAX = 2000

M = TypeVar("M", bound=models.Model)


def require_manager(actor: Actor) -> None:
    if not has_role(actor, *MANAGERS):
        raise Forbidden(_("须由督查人员或部门负责人办理"), field="role")


class Keyed:
    """The cleaned key, its scope (the actor's) and the body's fingerprint."""

    def __init__(self, raw_key: object, actor: Actor, body: Any) -> None:
        self.key = clean_key(raw_key, field="idempotency_key")
        self.scope = idempotency_scope(actor=actor) if self.key else ""
        self.fingerprint = request_fingerprint(body) if self.key else ""

    def existing(self, model: type[M]) -> M | None:
        if not self.key:
            return None
        found = model._default_manager.filter(idempotency_scope=self.scope, idempotency_key=self.key).first()
        return idempotent_replay(found, fingerprint=self.fingerprint) if found is not None else None

    def columns(self) -> dict[str, Any]:
        return {"idempotency_scope": self.scope, "idempotency_key": self.key or None,
                "idempotency_fingerprint": self.fingerprint}


def clean_text(raw: object, field: str, *, required: bool = True, limit: int = TEXT_MAX) -> str:
    text = core_clean_text(raw)
    if required and not text:
        raise ServiceError(_("请填写%(f)s") % {"f": field}, field=field)
    if len(text) > limit:
        raise ServiceError(_("%(f)s不能超过%(n)s字") % {"f": field, "n": limit}, field=field)
    return text


def route_finding(*, source: str, category: str, text: str, actor: Actor, received_at: dt.datetime | None,
                  origin: dict[str, Any], keyed: Keyed) -> ListeningFinding:
    """Route one issue through feedback's own intake (channel by source) and keep the link.

    The caller holds the transaction; `origin` is {"forum": …} / {"session": …} / {"booking": …}. The suggestion
    is keyed by the same key (scoped to this app and the actor) so a replay makes no second suggestion."""
    text = clean_text(text, "text")
    suggestion = suggestion_submit(
        data=SuggestionInput(category=str(category or ""), description=text, channel=CHANNEL[source],
                             title=text[:60], received_at=received_at),
        actor=actor, idempotency_key=keyed.key or None,
        idempotency_scope=f"listening:{keyed.scope}" if keyed.key else "", phone_required=False)
    return ListeningFinding.objects.create(source=source, category=suggestion.category.code, text=text,
                                           suggestion=suggestion, created_at=clock.now(), **origin,
                                           **keyed.columns())


def day_start(value: dt.date) -> dt.datetime:
    return dt.datetime.combine(value, dt.time(10, 0), tzinfo=dt.timezone(dt.timedelta(hours=8)))
