"""Background work (django-tasks, database backend; run by `onewindow worker`)."""

from __future__ import annotations

from django_tasks import task

from onewindow.feedback import services


@task()
def apply_default_ratings() -> int:
    """Daily: services unrated for DEFAULT_RATING_AFTER_DAYS days get DEFAULT_RATING_LEVEL (counted apart)."""
    return services.rating_default_apply()
