"""Writes for ratings and the citizen's voice, one module per concept; callers import from the module that owns
the function.

Ratings and rectification: `ratings` (rating a service through its link, the follow-up), `default_ratings` (the
daily 系统默认评价), `rectification` (a bad review's verify / appeal / fix / explain / callback / close). Citizen
voice: `suggestions` (intake, routing, replies, publication on Open311, the citizen's lookup), `survey` (the Excel
import of survey callbacks), `categories` (the categories and routing rules edited in the admin).

Each write is one transaction; every rectification and suggestion state change goes through
`onewindow.core.events.transition()` and every other act worth keeping through `record_event()`; a refused write
raises a ServiceError (400/403/404/409/410) and changes nothing.
"""
