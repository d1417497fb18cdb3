"""Writes of supervision, one module per thing that is written; callers import from the module that owns the
function:

- `inspections`: checklist templates (admin), inspections started, points recorded (with photos), submitted;
- `findings`: findings opened (by the monitors, by a submitted inspection) and resolved;
- `notices`: rectification notices issued, answered, returned, accepted;
- `ranking`: score weights (admin) and the monthly ranking published.

Each function is one transaction; every state change goes through `core.events.transition()` (one event row,
the audit entry, `TransitionRefused` when the record is not where the act may start); bad input raises
ServiceError naming the field and changes nothing. The monitors themselves are `supervision.monitors`, the
score computation `supervision.scores`.
"""
