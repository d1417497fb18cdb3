"""Background work (django-tasks, database backend; run by `onewindow worker`)."""

from __future__ import annotations

from django_tasks import task

from onewindow.cases import services


@task()
def send_outbox_message(message_id: int) -> str:
    """Send one notification from the outbox through the configured sender."""
    return services.mark_message(message_id=message_id)


@task()
def send_pending_messages() -> int:
    """Retry every pending message (safety net for messages whose task was lost)."""
    from onewindow.cases.models import OutboxMessage

    ids = list(OutboxMessage.objects.filter(status="pending").values_list("pk", flat=True)[:1000])
    for pk in ids:
        services.mark_message(message_id=pk)
    return len(ids)


@task()
def terminate_missed_makeups() -> int:
    """Daily: end the 容缺 cases whose make-up deadline passed."""
    return services.terminate_missed_makeups()


@task()
def recompute_deadlines() -> int:
    """After a year's official calendar is imported: recompute provisional due dates."""
    return services.recompute_deadlines()
