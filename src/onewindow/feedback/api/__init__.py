"""JSON API under /api/v1/feedback/, one router per concept (declared on the app config, feedback/apps.py):
`ratings` (rate through a link, the rating list, the published figures, the provincial export), `rectification`
(bad-review records and their steps) and `suggestions` (report, the citizen's lookup, the unit's worklist and
its steps). Errors answer the common shape {"detail": …, "errors": [{"field": …, "message": …}]}. Open311 is
not here: it has paths and errors of its own (feedback/views/open311.py).
"""
