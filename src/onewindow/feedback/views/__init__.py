"""Feedback pages, one module per concept: `rate` (the public rating page), `ratings` (the rating list and its
exports), `statistics` (the published figures, charts and their workbook), `rectification` (bad-review
worklists and the record page), `suggestions` (the citizen's form and lookup, the unit's worklist, the survey
import and the monthly report) and `open311` (the GeoReport v2 server, the public face of suggestions). Thin
views over services and selectors; phone-first templates, no inline script. `common` holds what they share.
"""
