"""`onewindow demo_logins [--disable]`: find (and disable) every account that still has the demo password.

`onewindow demo` creates one login per role, all with the password printed on the screen (core.checks.DEMO_PASSWORD).
They must not survive into production: `onewindow serve` refuses to start while any active account still has that
password, whatever its name (each stored hash is verified with the password hasher).

    onewindow demo_logins             # list them; exit status 1 when there are any
    onewindow demo_logins --disable   # give each an unusable password: nobody can sign in with it any more
    onewindow changepassword clerk    # or give one account a password of its own
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from onewindow.core.audit import audit_log
from onewindow.core.checks import accounts_with_demo_password


class Command(BaseCommand):
    help = "List accounts that still have the demo password; --disable makes their password unusable"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--disable", action="store_true",
                            help="set an unusable password on each (sign-in impossible until an admin sets one)")

    def handle(self, *args: object, **options: object) -> None:
        found = accounts_with_demo_password()
        if not found:
            self.stdout.write(self.style.SUCCESS("No active account has the demo password."))
            return
        if not options["disable"]:
            for username in found:
                self.stdout.write(f"  {username}")
            raise CommandError(f"{len(found)} account(s) still have the demo password. Disable them with "
                               "`onewindow demo_logins --disable`, or give each its own password with "
                               "`onewindow changepassword <username>`.")
        user_model = get_user_model()
        with transaction.atomic():
            for user in user_model._default_manager.filter(**{f"{user_model.USERNAME_FIELD}__in": found}):
                user.set_unusable_password()  # also ends the account's sessions (their hash no longer matches)
                user.save(update_fields=["password"])
                audit_log(actor=None, action="auth.demo_login_disabled", target=user,
                          detail={"username": user.get_username()})
                self.stdout.write(f"  disabled {user.get_username()}")
        self.stdout.write(self.style.SUCCESS(
            f"{len(found)} account(s) disabled. Set a new password for any you still need with "
            "`onewindow changepassword <username>`."))
