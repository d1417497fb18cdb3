"""Background work for the hall (django-tasks, database backend; run by `onewindow worker`)."""

from __future__ import annotations

from django_tasks import task

from onewindow.core import clock
from onewindow.hall.services.appointments import appointments_expire


@task()
def expire_appointments() -> int:
    """Daily: bookings of past days that were never checked in become expired (an event each)."""
    return appointments_expire(day=clock.today())
