"""Background work (django-tasks; run by `onewindow worker`). The daily jobs are declared on CasesConfig.

`send_outbox_message` is defined next to the outbox it drains (services.notifications, which enqueues it) and
named here too, so jobs queued under this path keep running. Tasks import only downward.
"""

from __future__ import annotations

from django_tasks import task

from onewindow.cases.services import deadlines, lifecycle, notifications
from onewindow.cases.services.notifications import send_outbox_message

__all__ = ["purge_pending_uploads", "recompute_deadlines", "send_outbox_message", "send_pending_messages",
           "terminate_missed_makeups"]


@task()
def purge_pending_uploads() -> int:
    """Daily: delete the files kept for application forms abandoned after a refused submission."""
    from onewindow.cases.views.pending_uploads import purge_pending

    return purge_pending()


@task()
def send_pending_messages() -> int:
    """Retry every pending message (safety net for messages whose task was lost)."""
    return notifications.send_pending()


@task()
def terminate_missed_makeups() -> int:
    """Daily: end the 容缺 cases whose make-up deadline passed."""
    return lifecycle.terminate_missed_makeups()


@task()
def recompute_deadlines() -> int:
    """After a year's official calendar is imported: recompute provisional due dates."""
    return deadlines.recompute_deadlines()
