"""The working-day calendar against the State Council notices for 2025 and 2026."""

import os
import subprocess
import sys
import textwrap
from datetime import date, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from onewindow.core.calendar import (
    Deadline,
    add_workdays,
    calendar_refresh,
    deadline_after,
    is_official_year,
    is_workday,
    workdays_between,
)
from onewindow.core.errors import ServiceError
from onewindow.core.models import AuditEntry, CalendarRevision, CalendarYear, OfficialDay
from onewindow.core.services import calendar_day_save, calendar_import

pytestmark = pytest.mark.django_db

D = date


def days(start: date, end: date) -> list[date]:
    return [start + timedelta(i) for i in range((end - start).days + 1)]


# --- 2026 (国办发明电〔2025〕7号) ----------------------------------------------------------------------------

def test_2026_make_up_days_are_working_days() -> None:
    for d in [D(2026, 1, 4), D(2026, 2, 14), D(2026, 2, 28), D(2026, 5, 9), D(2026, 9, 20), D(2026, 10, 10)]:
        assert d.weekday() >= 5
        assert is_workday(d), d


def test_2026_spring_festival_is_nine_days_off_from_15_to_23_february() -> None:
    for d in days(D(2026, 2, 15), D(2026, 2, 23)):
        assert not is_workday(d), d
    assert is_workday(D(2026, 2, 13))
    assert is_workday(D(2026, 2, 24))
    assert add_workdays(D(2026, 2, 13), 1) == D(2026, 2, 14)  # the Saturday make-up day
    assert add_workdays(D(2026, 2, 14), 1) == D(2026, 2, 24)
    assert workdays_between(D(2026, 2, 12), D(2026, 2, 27)) == 6  # 13, 14, 24, 25, 26, 27
    assert workdays_between(D(2026, 2, 12), D(2026, 2, 28)) == 7  # … and Saturday 28 (make-up day)
    assert workdays_between(D(2026, 2, 12), D(2026, 3, 1)) == 7


def test_2026_national_day_is_off_from_1_to_7_october_with_make_up_days() -> None:
    for d in days(D(2026, 10, 1), D(2026, 10, 7)):
        assert not is_workday(d), d
    assert is_workday(D(2026, 9, 20)) and is_workday(D(2026, 10, 10))
    assert not is_workday(D(2026, 9, 25))  # 中秋节
    assert add_workdays(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert add_workdays(D(2026, 9, 30), 5) == D(2026, 10, 13)  # 8, 9, 10 (Sat), 12, 13
    assert workdays_between(D(2026, 9, 30), D(2026, 10, 10)) == 3


# --- 2025 -------------------------------------------------------------------------------------------------

def test_2025_spring_festival_from_28_january_to_4_february_with_make_up_days() -> None:
    for d in days(D(2025, 1, 28), D(2025, 2, 4)):
        assert not is_workday(d), d
    assert is_workday(D(2025, 1, 26)) and is_workday(D(2025, 2, 8))  # Sunday and Saturday worked
    assert add_workdays(D(2025, 1, 27), 1) == D(2025, 2, 5)
    assert workdays_between(D(2025, 1, 24), D(2025, 2, 8)) == 6  # 26 (Sun), 27, 5, 6, 7, 8 (Sat)


def test_2025_national_day_and_mid_autumn_from_1_to_8_october() -> None:
    for d in days(D(2025, 10, 1), D(2025, 10, 8)):
        assert not is_workday(d), d
    assert is_workday(D(2025, 9, 28)) and is_workday(D(2025, 10, 11))
    assert add_workdays(D(2025, 9, 30), 1) == D(2025, 10, 9)
    assert add_workdays(D(2025, 9, 26), 2) == D(2025, 9, 29)  # 28 (Sun, worked), 29


def test_zero_days_returns_the_start_and_between_is_zero_when_b_is_not_after_a() -> None:
    assert add_workdays(D(2026, 10, 3), 0) == D(2026, 10, 3)
    assert workdays_between(D(2026, 5, 6), D(2026, 5, 6)) == 0
    assert workdays_between(D(2026, 5, 6), D(2026, 5, 1)) == 0


def test_negative_counts_go_back_in_working_days() -> None:
    assert add_workdays(D(2026, 10, 8), -1) == D(2026, 9, 30)
    assert add_workdays(D(2026, 2, 24), -1) == D(2026, 2, 14)


def test_add_and_between_agree_with_a_day_by_day_count() -> None:
    start = D(2024, 12, 20)
    for n in range(0, 400, 7):
        end = add_workdays(start, n)
        assert workdays_between(start, end) == n
        naive = sum(1 for d in days(start + timedelta(1), end) if is_workday(d))
        assert naive == n
        assert n == 0 or is_workday(end)


# --- year boundaries and provisional years ------------------------------------------------------------------

def test_new_year_2026_skips_the_holiday_and_counts_the_sunday_make_up_day() -> None:
    assert add_workdays(D(2025, 12, 31), 1) == D(2026, 1, 4)
    assert add_workdays(D(2025, 12, 31), 2) == D(2026, 1, 5)
    assert workdays_between(D(2025, 12, 30), D(2026, 1, 5)) == 3


def test_2027_is_provisional_with_estimated_statutory_holidays() -> None:
    assert is_official_year(2026)
    assert not is_official_year(2027)
    assert not is_workday(D(2027, 1, 1))
    assert not is_workday(D(2027, 10, 1))
    deadline = deadline_after(D(2026, 12, 31), 1)
    assert deadline == Deadline(date=D(2027, 1, 4), provisional=True)
    assert deadline_after(D(2026, 3, 2), 10).provisional is False


CSV_2027 = """date,kind,name
2027-01-01,holiday,元旦
2027-02-05,休,春节
2027-02-06,holiday,春节
2027-02-07,holiday,春节
2027-02-08,holiday,春节
2027-02-09,holiday,春节
2027-02-10,holiday,春节
2027-02-11,holiday,春节
2027-02-12,holiday,春节
2027-02-20,班,春节调休
2027-10-01,holiday,国庆节
2027-10-09,workday,国庆节调休
"""


def test_importing_2027_makes_it_official_and_changes_results(tmp_path: Path) -> None:
    assert is_workday(D(2027, 2, 11)) and not is_workday(D(2027, 2, 20))
    before = CalendarRevision.objects.get(pk=1).revision
    path = tmp_path / "2027.csv"
    path.write_text(CSV_2027, encoding="utf-8")
    result = calendar_import(file=path, source="国办发明电〔2026〕X号")
    assert result.years == [2027] and result.holidays == 10 and result.workdays == 2
    assert CalendarRevision.objects.get(pk=1).revision == before + 1
    assert is_official_year(2027)
    assert not is_workday(D(2027, 2, 11)) and not is_workday(D(2027, 2, 12))
    assert is_workday(D(2027, 2, 20)) and is_workday(D(2027, 10, 9))
    assert is_workday(D(2027, 10, 4))  # not in the imported schedule any more: the estimate no longer applies
    assert add_workdays(D(2027, 2, 4), 1) == D(2027, 2, 15)
    assert deadline_after(D(2026, 12, 31), 1) == Deadline(date=D(2027, 1, 4), provisional=False)
    entry = AuditEntry.objects.get(action="calendar.import")
    assert entry.target_id == "2027" and entry.detail["holidays"] == 10


def test_importing_again_replaces_that_years_days() -> None:
    calendar_import(rows=[{"date": "2027-02-11", "kind": "holiday", "name": "春节"}], source="first")
    calendar_import(rows=[{"date": "2027-03-01", "kind": "holiday", "name": "测试"}], source="second")
    assert list(OfficialDay.objects.filter(date__year=2027).values_list("date", flat=True)) == [D(2027, 3, 1)]
    assert is_workday(D(2027, 2, 11))
    assert CalendarYear.objects.get(year=2027).source == "second"


def test_a_bad_file_is_rejected_whole_listing_every_bad_row() -> None:
    rows = [
        {"date": "2027-02-05", "kind": "holiday", "name": "春节"},
        {"date": "2027-02-30", "kind": "holiday", "name": "春节"},
        {"date": "2027-02-06", "kind": "rest", "name": "春节"},
        {"date": "2027-02-08", "kind": "workday", "name": "周一不能调休"},
        {"date": "2027-02-05", "kind": "holiday", "name": "重复"},
    ]
    with pytest.raises(ServiceError) as caught:
        calendar_import(rows=rows, source="test")
    fields = [p.field for p in caught.value.problems]
    assert fields == ["row 2: date", "row 3: kind", "row 4: kind", "row 5: date"]
    assert "2027-02-30" in caught.value.problems[0].message
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert not OfficialDay.objects.filter(date__year=2027).exists()


def test_a_file_without_the_kind_column_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("date,name\n2027-01-01,元旦\n", encoding="utf-8")
    with pytest.raises(ServiceError) as caught:
        calendar_import(file=path, source="x")
    assert "kind" in caught.value.message


def test_a_change_by_another_process_is_seen_after_the_revision_ttl(settings) -> None:
    settings.ONEWINDOW = {**settings.ONEWINDOW, "CALENDAR_REVISION_TTL": 0}
    assert is_workday(D(2027, 2, 11))  # cached now
    # Another process writes the days and bumps the revision, without touching this process's cache.
    year = CalendarYear.objects.create(year=2027, official=True, source="other process")
    OfficialDay.objects.create(calendar_year=year, date=D(2027, 2, 11), kind="holiday", name="春节")
    CalendarRevision.objects.filter(pk=1).update(revision=CalendarRevision.objects.get(pk=1).revision + 1)
    assert not is_workday(D(2027, 2, 11))


def test_a_cached_calendar_is_trusted_for_the_ttl(settings) -> None:
    settings.ONEWINDOW = {**settings.ONEWINDOW, "CALENDAR_REVISION_TTL": 3600}
    assert is_workday(D(2027, 2, 11))
    year = CalendarYear.objects.create(year=2027, official=True, source="other process")
    OfficialDay.objects.create(calendar_year=year, date=D(2027, 2, 11), kind="holiday", name="春节")
    CalendarRevision.objects.filter(pk=1).update(revision=CalendarRevision.objects.get(pk=1).revision + 1)
    assert is_workday(D(2027, 2, 11))  # within the TTL the cache holds
    calendar_refresh()
    assert not is_workday(D(2027, 2, 11))


def test_an_admin_edit_goes_through_the_service_and_bumps_the_revision() -> None:
    before = CalendarRevision.objects.get(pk=1).revision
    calendar_day_save(day=D(2026, 6, 22), kind="holiday", name="测试假日")
    assert CalendarRevision.objects.get(pk=1).revision == before + 1
    assert not is_workday(D(2026, 6, 22))
    with pytest.raises(ServiceError):
        calendar_day_save(day=D(2026, 6, 23), kind="workday")


CHILD = textwrap.dedent("""
    import sys, django
    django.setup()
    from datetime import date
    from onewindow.core.calendar import is_workday
    print(is_workday(date(2027, 2, 11)), flush=True)
    sys.stdin.readline()
    import time; time.sleep(0.3)
    print(is_workday(date(2027, 2, 11)), flush=True)
""")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_import_is_seen_by_another_running_process() -> None:
    db = connection.settings_dict
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "onewindow.settings", "ONEWINDOW_CALENDAR_REVISION_TTL": "0.1",
           "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"}
    child = subprocess.Popen([sys.executable, "-c", CHILD], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             text=True)
    try:
        assert child.stdout.readline().strip() == "True"
        calendar_import(rows=[{"date": "2027-02-11", "kind": "holiday", "name": "春节"}], source="test")
        child.stdin.write("go\n")
        child.stdin.flush()
        assert child.stdout.readline().strip() == "False"
    finally:
        child.kill()
        child.wait()


# --- management commands ----------------------------------------------------------------------------------

def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue().strip()


def test_workdays_add_prints_the_deadline_date() -> None:
    assert run("workdays", "add", "2026-09-30", "5") == ("2026-10-13", "")


def test_workdays_between_prints_the_number() -> None:
    assert run("workdays", "between", "2026-02-12", "2026-03-01") == ("7", "")


def test_workdays_in_a_provisional_year_warn_on_stderr() -> None:
    out, err = run("workdays", "add", "2026-12-31", "1")
    assert out == "2027-01-04"
    assert "2027" in err and "暂定" in err and "provisional" in err
    out, err = run("workdays", "between", "2027-01-01", "2027-01-31")
    assert out == "20" and "provisional" in err


def test_workdays_with_bad_arguments_name_the_argument() -> None:
    with pytest.raises(CommandError, match="DATE"):
        run("workdays", "add", "2026-02-30", "3")
    with pytest.raises(CommandError, match="N"):
        run("workdays", "add", "2026-02-03", "three")
    with pytest.raises(CommandError, match="B"):
        run("workdays", "between", "2026-02-03", "tomorrow")


def test_calendar_years_lists_official_years_with_counts() -> None:
    out, _ = run("calendar", "years", "--to", "2028")
    lines = {line.split()[0]: line.split() for line in out.splitlines()[1:]}
    assert lines["2026"][1:4] == ["official", "33", "6"]
    assert lines["2025"][1] == "official" and lines["2025"][3] == "5"
    assert lines["2004"][1] == "official"
    assert lines["2027"][1] == "provisional"


def test_calendar_import_command_loads_a_csv_and_rejects_a_bad_one(tmp_path: Path) -> None:
    good = tmp_path / "2027.csv"
    good.write_text(CSV_2027, encoding="utf-8")
    out, _ = run("calendar", "import", str(good), "--source", "国办发明电〔2026〕X号")
    assert "2027" in out
    assert run("workdays", "add", "2027-02-04", "1") == ("2027-02-15", "")
    bad = tmp_path / "bad.csv"
    bad.write_text("date,kind,name\n2028-01-01,holiday,元旦\n2028-13-01,holiday,x\n", encoding="utf-8")
    with pytest.raises(CommandError, match="第3行"):
        run("calendar", "import", str(bad))
    assert not CalendarYear.objects.filter(year=2028).exists()
    with pytest.raises(CommandError, match="FILE.csv"):
        run("calendar", "import", str(tmp_path / "missing.csv"))


# --- admin screens ----------------------------------------------------------------------------------------

@pytest.fixture
def admin_client_for_calendar(make_user):
    from django.test import Client

    user = make_user("calendar-admin")
    user.is_staff = user.is_superuser = True
    user.save()
    client = Client()
    client.force_login(user)
    return client


def test_admin_lists_years_and_days_with_filters(admin_client_for_calendar) -> None:
    response = admin_client_for_calendar.get("/admin/core/calendaryear/")
    assert response.status_code == 200 and "2026" in response.content.decode()
    year = CalendarYear.objects.get(year=2026)
    page = admin_client_for_calendar.get(f"/admin/core/calendaryear/{year.pk}/change/").content.decode()
    assert "2026-02-14" in page or "2026/02/14" in page
    listing = admin_client_for_calendar.get("/admin/core/officialday/?calendar_year__year=2026&kind=workday")
    assert listing.status_code == 200
    assert listing.context["cl"].result_count == 6


def test_an_admin_edit_bumps_the_revision_and_is_audited(admin_client_for_calendar) -> None:
    before = CalendarRevision.objects.get(pk=1).revision
    response = admin_client_for_calendar.post("/admin/core/officialday/add/", {
        "date": "2026-06-22", "kind": "holiday", "name": "测试假日", "source": "测试"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert CalendarRevision.objects.get(pk=1).revision == before + 1
    assert not is_workday(D(2026, 6, 22))
    assert AuditEntry.objects.filter(action="calendar.day_save").exists()
    refused = admin_client_for_calendar.post("/admin/core/officialday/add/", {
        "date": "2026-06-23", "kind": "workday", "name": "周二", "source": ""})
    assert refused.status_code == 200 and "调休上班日应为周六或周日" in refused.content.decode()
    day = OfficialDay.objects.get(date=D(2026, 6, 22))
    gone = admin_client_for_calendar.post(f"/admin/core/officialday/{day.pk}/delete/", {"post": "yes"})
    assert gone.status_code == 302
    assert is_workday(D(2026, 6, 22))
    assert CalendarRevision.objects.get(pk=1).revision == before + 2


def test_without_calendar_rows_the_packaged_schedules_still_apply() -> None:
    OfficialDay.objects.all().delete()
    CalendarYear.objects.all().delete()
    calendar_refresh()
    assert is_official_year(2026)
    assert is_workday(D(2026, 2, 14)) and not is_workday(D(2026, 2, 16))


def test_a_year_marked_not_official_becomes_provisional() -> None:
    CalendarYear.objects.filter(year=2026).update(official=False)
    calendar_refresh()
    assert not is_official_year(2026)
    assert not is_workday(D(2026, 2, 14))  # the make-up Saturday is no longer known
    assert deadline_after(D(2026, 2, 13), 1).provisional
