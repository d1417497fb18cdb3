"""Writes for applications and cases, one module per concept; callers import from the module that owns the
function:

- `uploads`: a file as received — size limit, type from its first bytes, SHA-256, storage;
- `cleaning`: the applicant's identity and the merged form, validated (every problem at once);
- `submission`: `application_submit` (idempotency, checks, numbering, cases, materials) and later documents;
- `transitions`: `move()`, the one way a case changes state (core.events.transition), and the shared lookups;
- `lifecycle`: accept (容缺 too), one-time supplement, not accept, review, special procedure, approve, deny,
  complete, deliver, withdraw, terminate missed make-ups;
- `auto_approval`: what happens on acceptance — instant items and 秒批 rules;
- `deadlines`: due dates in working days, the make-up period, recomputing provisional dates;
- `notifications`: the SMS outbox and what the applicant is told.

Each write is one transaction; nothing is changed when it raises.
"""
