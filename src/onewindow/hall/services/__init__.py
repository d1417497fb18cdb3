"""Writes for the hall, one module per concept; callers import from the module that owns the function:

- `queue`: tickets — issue, cancel, call next, recall, start, finish, no-show, transfer, link to an application;
- `clerks`: a clerk's session at a counter — sign in, break and back, sign out (and the moves the queue makes);
- `appointments`: book, cancel, check in at the kiosk, expire;
- `pads`: pairing and revoking a counter's rating pad;
- `lookups`: the hall, category and counter a request names (NotFound / ServiceError naming the field);
- `window`: window acceptance from a ticket — cases' application submitted and linked to the ticket at once.

One transaction each; state changes only through `core.events.transition()`, one event row each.
"""
