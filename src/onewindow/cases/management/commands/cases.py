"""`onewindow cases recompute-deadlines | terminate-missed-makeups | send-pending`"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "办件维护：重算待定期限、终止逾期未补齐的容缺办件、发送待发短信"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["recompute-deadlines", "terminate-missed-makeups", "send-pending"])

    def handle(self, *args: Any, **options: Any) -> None:
        from onewindow.cases.services import deadlines, lifecycle, notifications

        action = options["action"]
        if action == "recompute-deadlines":
            n = deadlines.recompute_deadlines()
            self.stdout.write(f"recomputed {n} due dates")
        elif action == "terminate-missed-makeups":
            n = lifecycle.terminate_missed_makeups()
            self.stdout.write(f"terminated {n} cases")
        else:
            n = notifications.send_pending(limit=None)
            self.stdout.write(f"sent {n} messages")
