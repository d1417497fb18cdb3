"""Reads for the community pages, API and reports, one module per concept; callers import from the module.

Organisation and members: `organisation` (tree, party organisations, coverage), `members` (members, teams),
`feedback` (the monthly two-way feedback to members' employers). Time bank: `orders` (menu, orders), `ledger`
(statements, transfers, the ledger check), `hours` (service hours credited). Governance: `governance` (residents'
matters, council proposals, theme events). Query counts do not grow with list length.
"""
