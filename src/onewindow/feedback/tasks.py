"""Background work (django-tasks, database backend; run by `onewindow worker`)."""

from __future__ import annotations

from django_tasks import task

from onewindow.feedback.services.default_ratings import rating_default_apply


@task()
def apply_default_ratings() -> int:
    """Daily: services unrated for DEFAULT_RATING_AFTER_DAYS days get DEFAULT_RATING_LEVEL (counted apart)."""
    return rating_default_apply()
