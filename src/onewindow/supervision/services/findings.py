"""Findings: a breach a monitor sees (or a failed inspection point), open until it is gone or rectified.

A finding is opened once per (monitor, target) while it is open (a partial unique index says so); it is
resolved by the monitor that no longer sees its breach, or by accepting the rectification notice raised from it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from onewindow.core import clock
from onewindow.core.actors import Actor
from onewindow.core.events import transition
from onewindow.supervision.models import Finding, FindingEvent, FindingState


def findings_open(findings: Iterable[Finding], *, correlation: str = "") -> list[Finding]:
    """Insert new open findings with one `opened` event each, in bulk (a monitor run may open thousands).

    The caller holds the transaction. `correlation` ties them to what found them (an inspection number)."""
    new = list(findings)
    if not new:
        return []
    created = Finding.objects.bulk_create(new)
    if created[0].pk is None:  # SQLite before 3.35 returns no ids: an open finding is unique per target
        keys = {(f.monitor, f.target_type, f.target_id) for f in new}
        created = [f for f in Finding.objects.filter(state=FindingState.OPEN, monitor__in={k[0] for k in keys})
                   if (f.monitor, f.target_type, f.target_id) in keys]
    FindingEvent.objects.bulk_create([
        FindingEvent(finding=f, at=f.first_seen, action="opened", to_status=FindingState.OPEN, correlation=correlation)
        for f in created])
    return created


def finding_resolve(*, finding: Finding, reason: str, actor: Actor, correlation: str = "") -> Finding:
    """Resolve an open finding (TransitionRefused when it is not open any more). The caller holds the
    transaction."""
    return transition(finding, to=FindingState.RESOLVED, allowed_from={FindingState.OPEN}, action="resolved",
                      action_label=_("解决"), actor=actor, event_model=FindingEvent, reason=reason[:200],
                      correlation=correlation, changes={"resolved_at": clock.now()}, state_field="state",
                      version_field=None, timestamp_field=None)
