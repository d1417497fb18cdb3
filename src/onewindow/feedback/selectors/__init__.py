"""Reads for the feedback pages, API, exports and reports, one module per concept; callers import from the module.

Ratings and rectification: `ratings` (who sees which ratings, the rating list, the filter every figure takes),
`statistics` (the published figures, overall and by dimension), `rectification` (worklists, overdue records).
Citizen voice: `suggestions` (worklists, details, what Open311 publishes), `monthly_report` (the monthly
report of volumes, on-time replies and dispositions). Query counts do not grow with list length.
"""
