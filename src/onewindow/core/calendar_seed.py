"""The official schedules packaged in `chinese-calendar` (2004–2026), cross-checked with `holidays`.

Used by the data migration that seeds every fresh database; kept outside the migration so the mapping is
tested. Returns plain tuples so the migration can bulk_create historical models.
"""

from __future__ import annotations

from datetime import date
from typing import Any

SOURCE = "chinese-calendar 1.11.0 / holidays 0.109（国务院办公厅节假日安排通知）"

NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def official_years() -> list[int]:
    from chinese_calendar import constants

    return sorted({d.year for d in constants.holidays})


def official_days() -> list[tuple[date, str, str]]:
    """(date, "holiday"|"workday", Chinese name) for every official day the packages know."""
    from chinese_calendar import constants

    days: dict[date, tuple[str, str]] = {}
    for d, name in constants.holidays.items():
        days[d] = ("holiday", NAMES_ZH.get(name, name))
    for d, name in constants.workdays.items():
        days[d] = ("workday", f"{NAMES_ZH.get(name, name)}调休上班")
    # `holidays` knows the same schedules; add any make-up day chinese-calendar lacks for those years.
    try:
        import holidays

        years = set(official_years())
        extra = holidays.China(years=sorted(years))
        for d in getattr(extra, "weekend_workdays", ()):
            if d.year in years and d not in days:
                days[d] = ("workday", "调休上班")
    except Exception:  # noqa: BLE001 - the holidays package is optional here
        pass
    return sorted((d, kind, name) for d, (kind, name) in days.items())


def seed(CalendarYear: Any, OfficialDay: Any, CalendarRevision: Any) -> int:
    """Store the packaged schedules (years and days missing from the tables) with bulk_create; bump the
    revision. Takes the model classes so the data migration can pass its historical models. Returns the
    number of days added."""
    years = official_years()
    existing_years = set(CalendarYear.objects.values_list("year", flat=True))
    CalendarYear.objects.bulk_create(
        [CalendarYear(year=y, official=True, source=SOURCE) for y in years if y not in existing_years])
    year_ids = dict(CalendarYear.objects.filter(year__in=years).values_list("year", "id"))
    existing_days = set(OfficialDay.objects.values_list("date", flat=True))
    new_days = [OfficialDay(calendar_year_id=year_ids[d.year], date=d, kind=kind, name=name, source=SOURCE)
                for d, kind, name in official_days()
                if d not in existing_days and d.year in year_ids and d.year not in existing_years]
    OfficialDay.objects.bulk_create(new_days, batch_size=500)
    row, _created = CalendarRevision.objects.get_or_create(pk=1)
    row.revision += 1
    row.save()
    return len(new_days)
