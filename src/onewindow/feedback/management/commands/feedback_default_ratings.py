"""`onewindow feedback_default_ratings`: give the default rating to services left unrated (see settings
ONEWINDOW DEFAULT_RATING_ENABLED / _AFTER_DAYS / _LEVEL). `--enqueue` hands it to the task worker instead."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from onewindow.feedback.conf import conf
from onewindow.feedback.services.default_ratings import rating_default_apply


class Command(BaseCommand):
    help = "Apply default ratings to services left unrated (好差评 系统默认评价)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enqueue", action="store_true", help="run through the django-tasks queue")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            from onewindow.feedback.tasks import apply_default_ratings

            result = apply_default_ratings.enqueue()
            self.stdout.write(f"enqueued {result.id}")
            return
        if not conf("DEFAULT_RATING_ENABLED", True):
            self.stdout.write("default ratings are disabled (ONEWINDOW['DEFAULT_RATING_ENABLED'])")
            return
        n = rating_default_apply()
        self.stdout.write(self.style.SUCCESS(f"{n} default rating(s) written"))
