"""One way to change state: the append-only event base and `transition()`.

Every record with a life cycle (a case, a ticket, a rating's rectification, a notice, a time-bank order …) keeps
its current state in a column and its history in an event table built on `AppendOnlyEvent`. A service changes
the state only through `transition()`, which

1. checks that the current state is one the action may start from (else `TransitionRefused`, a 409 that
   names the state and the action, the same wording everywhere);
2. updates the row conditionally — `WHERE pk = … AND <state> = <what we read> [AND version = …]` — and checks
   the row count, so two clerks pressing the same button cannot both win (the loser gets `TransitionRefused`);
3. writes one event row (who, when, from, to, why, correlation) and, unless the table is itself the audit
   trail of a hot path, the audit entry.

    from onewindow.core.events import transition

    transition(case, to=CaseStatus.ACCEPTED, allowed_from={CaseStatus.RECEIVED}, action="accept",
               action_label=_("受理"), actor=actor, event_model=CaseEvent, reason=reason,
               changes={"accepted_at": now})

Acts that are worth recording but change no state (a deadline recomputed, a document viewed) use
`record_event()`. Event rows are never edited or deleted; a correction is a new event.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, TypeVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onewindow.core import clock, rows
from onewindow.core.actors import Actor, actor_label, actor_user
from onewindow.core.audit import audit_log
from onewindow.core.errors import Conflict

M = TypeVar("M", bound=models.Model)


class TransitionRefused(Conflict):
    """The record is not in a state the action may start from, or someone else changed it first (409)."""


class AppendOnlyEvent(models.Model):
    """The shared shape of every event table: who, when, from, to, why, and a correlation id.

    A concrete table adds the foreign key to its subject and names it in `subject_field`, e.g.

        class CaseEvent(AppendOnlyEvent):
            subject_field = "case"
            case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    """

    subject_field: ClassVar[str] = ""

    at = models.DateTimeField(gettext_lazy("时间"), db_index=False)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=gettext_lazy("操作人"))
    actor_label = models.CharField(gettext_lazy("操作人名称"), max_length=150, blank=True)
    action = models.CharField(gettext_lazy("动作"), max_length=40)
    from_status = models.CharField(gettext_lazy("原状态"), max_length=20, blank=True)
    to_status = models.CharField(gettext_lazy("新状态"), max_length=20, blank=True)
    reason = models.TextField(gettext_lazy("理由/说明"), blank=True)
    # ties events of one request or one business act together (an application number, an idempotency key)
    correlation = models.CharField(gettext_lazy("关联号"), max_length=80, blank=True)
    data = models.JSONField(gettext_lazy("数据"), default=dict, blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    @rows.plain_save  # checks only: core.rows.insert may write a new row without it
    def save(self, *args: Any, **kwargs: Any) -> None:
        # Append-only is an invariant of the table, not a business rule: an existing row is never rewritten.
        if not self._state.adding:
            raise TypeError(f"{type(self).__name__} rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError(f"{type(self).__name__} rows are append-only")


def _state_label(obj: models.Model, field: str, value: str) -> str:
    try:
        choices = dict(obj._meta.get_field(field).flatchoices)  # type: ignore[union-attr]
    except Exception:  # noqa: BLE001 - a field without choices shows its raw value
        return str(value)
    return str(choices.get(value, value))


def _describe(obj: models.Model) -> str:
    return str(getattr(obj, "number", "") or obj)


def transition(obj: M, *, to: str, allowed_from: Iterable[str], action: str, actor: Actor,
               event_model: type[AppendOnlyEvent], action_label: Any = None, reason: str = "",
               correlation: str = "", data: Mapping[str, Any] | None = None,
               changes: Mapping[str, Any] | None = None, state_field: str = "status",
               version_field: str | None = "version", timestamp_field: str | None = "updated_at",
               audit: bool = True, audit_detail: Mapping[str, Any] | None = None,
               event_fields: Mapping[str, Any] | None = None) -> M:
    """Move `obj` from its current state to `to`, or raise TransitionRefused and change nothing.

    `changes` are further columns set in the same conditional UPDATE. `version_field`, when the model has one,
    is part of the condition and incremented. The caller holds the transaction (`transaction.atomic()`).
    """
    allowed = {str(s) for s in allowed_from}
    current = str(getattr(obj, state_field))
    label = str(action_label) if action_label is not None else action
    if current not in allowed:
        raise TransitionRefused(
            _("%(what)s当前状态为「%(state)s」，不能%(action)s")
            % {"what": _describe(obj), "state": _state_label(obj, state_field, current), "action": label},
            field=state_field)
    now = clock.now()
    condition: dict[str, Any] = {"pk": obj.pk, state_field: current}
    values: dict[str, Any] = {state_field: to, **(changes or {})}
    if version_field:
        condition[version_field] = getattr(obj, version_field)
        values.pop(version_field, None)  # the version only ever goes up by one
    if timestamp_field and timestamp_field not in values:
        values[timestamp_field] = now
    event = _event(obj, event_model=event_model, action=action, actor=actor, from_status=current, to_status=to,
                   reason=reason, correlation=correlation, data=data, at=now, event_fields=event_fields)
    # the conditional UPDATE and the event's INSERT, written once per model and set of columns (core.rows:
    # compiling them was a good part of a queue request's CPU), one statement on PostgreSQL; `version =
    # version + 1` when the model keeps a version. No event is written when the update changed no row.
    if not rows.update_then_insert(type(obj), where=condition, values=values, row=event,
                                   increment=(version_field,) if version_field else ()):
        raise TransitionRefused(_("%(what)s已被他人处理，请刷新后重试") % {"what": _describe(obj)},
                                field=version_field or state_field)
    for key, value in values.items():
        setattr(obj, key, value)
    if version_field:
        setattr(obj, version_field, getattr(obj, version_field) + 1)
    if audit:
        _audit(obj, action=action, actor=actor, from_status=current, to_status=to, audit_detail=audit_detail)
    return obj


def record_event(obj: models.Model, *, event_model: type[AppendOnlyEvent], action: str, actor: Actor,
                 from_status: str = "", to_status: str = "", reason: str = "", correlation: str = "",
                 data: Mapping[str, Any] | None = None, at: Any = None, audit: bool = True,
                 audit_detail: Mapping[str, Any] | None = None,
                 event_fields: Mapping[str, Any] | None = None) -> AppendOnlyEvent:
    """Write one event row for `obj` (and the audit entry). Used by `transition()` and for acts without a move."""
    event = _event(obj, event_model=event_model, action=action, actor=actor, from_status=from_status,
                   to_status=to_status, reason=reason, correlation=correlation, data=data, at=at,
                   event_fields=event_fields)
    rows.insert(event)  # the INSERT written once per event table (the model's checks, defaults and signals kept)
    if audit:
        _audit(obj, action=action, actor=actor, from_status=from_status, to_status=to_status,
               audit_detail=audit_detail)
    return event


def insert_with_event(obj: M, *, event_model: type[AppendOnlyEvent], action: str, actor: Actor,
                      to_status: str = "", reason: str = "", correlation: str = "",
                      data: Mapping[str, Any] | None = None, at: Any = None, audit: bool = True,
                      audit_detail: Mapping[str, Any] | None = None,
                      event_fields: Mapping[str, Any] | None = None) -> M:
    """Save the new row `obj` with its first event (as `record_event` writes it): one statement on PostgreSQL
    (core.rows.insert_pair), two elsewhere, in the caller's transaction."""
    event = _event(obj, event_model=event_model, action=action, actor=actor, from_status="", to_status=to_status,
                   reason=reason, correlation=correlation, data=data, at=at, event_fields=event_fields)
    rows.insert_pair(obj, event, link=event_model.subject_field)
    if audit:
        _audit(obj, action=action, actor=actor, from_status="", to_status=to_status, audit_detail=audit_detail)
    return obj


def _event(obj: models.Model, *, event_model: type[AppendOnlyEvent], action: str, actor: Actor, from_status: str,
           to_status: str, reason: str, correlation: str, data: Mapping[str, Any] | None, at: Any,
           event_fields: Mapping[str, Any] | None) -> AppendOnlyEvent:
    """The event row for `obj`, not saved yet."""
    if not event_model.subject_field:
        raise TypeError(f"{event_model.__name__}.subject_field is not set")
    return event_model(
        **{event_model.subject_field: obj}, at=at or clock.now(), actor=actor_user(actor),
        actor_label=actor_label(actor), action=action, from_status=from_status, to_status=to_status,
        reason=reason or "", correlation=correlation or "", data=dict(data or {}), **(event_fields or {}))


def _audit(obj: models.Model, *, action: str, actor: Actor, from_status: str, to_status: str,
           audit_detail: Mapping[str, Any] | None) -> None:
    audit_log(actor=actor, action=f"{obj._meta.model_name}.{action}", target=obj,
              detail={"from": from_status, "to": to_status, **dict(audit_detail or {})})
