"""Writes for the community app, one module per concept; callers import from the module that owns the function.

Organisation and members: `organisation` (the tree and its Excel import, party organisations), `members`
(records, report-in, talent pool, teams), `records` (the configuration rows edited in the admin). Time bank:
`ledger` (accounts and transfers: every minute moves through `ledger.transfer_post`), `orders` (the order life
cycle). Governance: `matters` (residents' matters), `proposals` (the tri-party council), `theme_events`.

Each write is one transaction; every state change goes through `onewindow.core.events.transition()` and leaves
one append-only event row; a refused write raises a ServiceError (400/403/404/409) and changes nothing.
"""
