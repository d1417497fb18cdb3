"""Seed the official holiday schedules 2004–2026 so every fresh database (tests included) has them."""

from django.db import migrations


def seed(apps, schema_editor):
    from onewindow.core.calendar_seed import SOURCE, official_days, official_years

    CalendarYear = apps.get_model("core", "CalendarYear")
    OfficialDay = apps.get_model("core", "OfficialDay")
    CalendarRevision = apps.get_model("core", "CalendarRevision")
    years = official_years()
    existing_years = set(CalendarYear.objects.values_list("year", flat=True))
    CalendarYear.objects.bulk_create(
        [CalendarYear(year=y, official=True, source=SOURCE) for y in years if y not in existing_years])
    year_ids = dict(CalendarYear.objects.values_list("year", "id"))
    existing_days = set(OfficialDay.objects.values_list("date", flat=True))
    OfficialDay.objects.bulk_create(
        [OfficialDay(calendar_year_id=year_ids[d.year], date=d, kind=kind, name=name, source=SOURCE)
         for d, kind, name in official_days() if d not in existing_days and d.year in years],
        batch_size=500)
    row, _ = CalendarRevision.objects.get_or_create(pk=1)
    row.revision += 1
    row.save()


def unseed(apps, schema_editor):
    from onewindow.core.calendar_seed import SOURCE

    apps.get_model("core", "OfficialDay").objects.filter(source=SOURCE).delete()
    apps.get_model("core", "CalendarYear").objects.filter(source=SOURCE).delete()


class Migration(migrations.Migration):

    dependencies = [("core", "0002_officialday_calendar_year")]

    operations = [migrations.RunPython(seed, unseed)]
