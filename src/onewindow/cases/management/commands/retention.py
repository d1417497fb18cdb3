"""`onewindow retention --older-than-days N [--dry-run]`: anonymise closed applications past the retention period.

An application is closed when none of its cases is still open. For each closed application submitted more than
N days ago (default: settings.ONEWINDOW["RETENTION_DAYS"]):
- uploaded files are deleted from storage (the rows stay, with name, size and hash, for the statistics),
- personal keys of the form data are cleared and the phone's last four digits are dropped,
- the applicant — once every one of their applications is past the period and closed — becomes 已匿名,
  with the ID number replaced by a masked placeholder and the phones cleared.
Each anonymised application writes one audit row ("application.anonymise"). Running it twice changes nothing
the second time.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

ANONYMISED_NAME = "已匿名"
ID_PLACEHOLDER = "******************"
PERSONAL_KEY_PARTS = ("name", "phone", "mobile", "tel", "id_number", "idcard", "id_card", "address", "email",
                      "birth", "contact", "姓名", "电话", "身份证", "住址", "地址")


def _is_personal(key: str) -> bool:
    lowered = key.lower()
    return any(part in lowered for part in PERSONAL_KEY_PARTS)


class Command(BaseCommand):
    help = "Anonymise closed applications older than the retention period (audit-logged, idempotent)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--older-than-days", type=int, default=settings.ONEWINDOW.get("RETENTION_DAYS", 1095))
        parser.add_argument("--dry-run", action="store_true", help="only count what would be anonymised")

    def handle(self, *args: Any, **options: Any) -> None:
        from onewindow.cases.models import OPEN_STATUSES, Application
        from onewindow.core import clock

        days = int(options["older_than_days"])
        if days < 1:
            raise SystemExit("--older-than-days must be at least 1")
        cutoff = clock.now() - dt.timedelta(days=days)
        old = Application.objects.filter(submitted_at__lt=cutoff).exclude(cases__status__in=OPEN_STATUSES)
        candidates = list(old.distinct().values_list("pk", flat=True))
        done = files = applicants = 0
        for pk in candidates:
            changed, removed, anonymised_applicant = self._anonymise(pk, cutoff, dry_run=options["dry_run"])
            done += int(changed)
            files += removed
            applicants += int(anonymised_applicant)
        verb = "would anonymise" if options["dry_run"] else "anonymised"
        self.stdout.write(f"retention ({days} days, before {cutoff:%Y-%m-%d}): {len(candidates)} closed applications "
                          f"past the period; {verb} {done} applications, {applicants} applicants, "
                          f"{files} uploaded files")

    def _anonymise(self, pk: int, cutoff: dt.datetime, *, dry_run: bool) -> tuple[bool, int, bool]:
        from onewindow.cases.models import OPEN_STATUSES, Application
        from onewindow.core.audit import audit_log

        with transaction.atomic():
            app = Application.objects.select_for_update().select_related("applicant").get(pk=pk)
            materials = [m for m in app.submitted_materials.all() if m.file]
            form = dict(app.form_data or {})
            personal = [k for k, v in form.items() if _is_personal(k) and v not in ("", None)]
            applicant = app.applicant
            others_recent = applicant.applications.exclude(pk=app.pk).filter(submitted_at__gte=cutoff).exists()
            others_open = applicant.applications.filter(cases__status__in=OPEN_STATUSES).exists()
            applicant_due = (not others_recent and not others_open and
                             (applicant.name != ANONYMISED_NAME or applicant.phone or applicant.contact_phone
                              or (applicant.id_number and applicant.id_number != ID_PLACEHOLDER)))
            changed = bool(materials or personal or app.phone_last4 or applicant_due)
            if dry_run or not changed:
                return changed, len(materials), bool(applicant_due)
            for material in materials:
                material.file.delete(save=False)
                material.file = ""
                material.save(update_fields=["file"])
            for key in personal:
                form[key] = ""
            app.form_data = form
            app.phone_last4 = ""
            app.save(update_fields=["form_data", "phone_last4"])
            if applicant_due:
                applicant.name = ANONYMISED_NAME
                applicant.id_number = ID_PLACEHOLDER if applicant.id_number else ""
                applicant.phone = ""
                applicant.contact_name = ""
                applicant.contact_phone = ""
                applicant.legal_representative = "" if applicant.kind == "person" else applicant.legal_representative
                applicant.save()
            audit_log(actor=None, action="application.anonymise", target=app,
                      detail={"files_deleted": len(materials), "form_keys_cleared": personal,
                              "applicant_anonymised": bool(applicant_due)})
            return True, len(materials), bool(applicant_due)
