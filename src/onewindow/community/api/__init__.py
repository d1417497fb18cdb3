"""JSON API under /api/v1/community/, one router per concept (declared on the app config, community/apps.py):
`organisation` (coverage, party organisations, the tree, members, report-in, teams, two-way feedback),
`timebank` (menu, orders and their actions, accounts and statements, transfers, the ledger check, hours) and
`governance` (matters, proposals, theme events). Errors answer the common shape
{"detail": …, "errors": [{"field": …, "message": …}]}.

Records taken by id that belong to someone (orders, accounts, member report-in) answer 404 to anyone who may not
see them — the same answer as for a record that does not exist (see community/access.py).
"""
