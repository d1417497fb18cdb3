"""Seed the official holiday schedules 2004–2026 so every fresh database (tests included) has them."""

from django.db import migrations


def seed(apps, schema_editor):
    from onewindow.core.calendar_seed import seed as seed_calendar

    seed_calendar(apps.get_model("core", "CalendarYear"), apps.get_model("core", "OfficialDay"),
                  apps.get_model("core", "CalendarRevision"))


def unseed(apps, schema_editor):
    from onewindow.core.calendar_seed import SOURCE

    apps.get_model("core", "OfficialDay").objects.filter(source=SOURCE).delete()
    apps.get_model("core", "CalendarYear").objects.filter(source=SOURCE).delete()


class Migration(migrations.Migration):

    dependencies = [("core", "0002_officialday_calendar_year")]

    operations = [migrations.RunPython(seed, unseed)]
