"""Writes for the hall, one module per concept; callers import from the module that owns the function:

- `queue`: tickets — issue, cancel, call next, recall, start, finish, no-show, transfer, link to an application;
- `clerks`: a clerk's session at a counter — sign in, break and back, sign out (and the moves the queue makes);
- `appointments`: book, cancel, check in at the kiosk, expire;
- `pads`: pairing and revoking a counter's rating pad;
- `lookups`: the hall, category and counter a request names (NotFound / ServiceError naming the field).

One transaction each; state changes only through `core.events.transition()`, one event row each.
"""

# The cases app (its own wave moves it to `services.queue`) still looks the link up here by name.
from onewindow.hall.services.queue import ticket_link_application

__all__ = ["ticket_link_application"]
