"""Community pages, one module per concept: `organisation` (dashboard, tree, members, teams, two-way feedback,
public coverage), `timebank` (menu, orders, ledger, reports, the volunteer's own page) and `governance` (matters,
proposals, theme events, public proposals). Thin views over services and selectors; phone-first templates, no
inline script. `common` holds the form helpers they share."""
