"""Supervision demo (idempotent): the checklist templates Huli's 行政审批管理局 inspects halls with, the score
weights, a year of inspections and rectification notices (湖审管整改〔2026〕第N号) in every state, a monitor run
and the monthly scores, with last month's ranking published as the seed's "质量排名并面向社会公布".

What the year holds is data (data/supervision/*.yaml: the checklists, the notices' stories and words, the
rhythm); this module only plays it through supervision's services, each step at its own (frozen) time, so every
notice and inspection has the events and audit entries a real one has. The daily rollups of the reform metrics
are insights' demo step, which runs after this one.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.contrib.auth.models import User
from django.utils import timezone

from onewindow.catalog.models import Department
from onewindow.core import clock
from onewindow.core.calendar import add_workdays, is_workday
from onewindow.hall.models import Hall
from onewindow.supervision import rankings, scores
from onewindow.supervision.models import ChecklistPoint, ChecklistTemplate, Notice, ScoreWeights
from onewindow.supervision.monitors import monitors_run
from onewindow.supervision.services.inspections import inspection_record, inspection_start, inspection_submit
from onewindow.supervision.services.notices import notice_create, notice_respond, notice_verify
from onewindow.supervision.services.ranking import ranking_publish

DATA_DIR = Path(__file__).resolve().parent / "data" / "supervision"


@cache
def data(name: str) -> dict[str, Any]:
    with (DATA_DIR / f"{name}.yaml").open(encoding="utf-8") as f:
        loaded: dict[str, Any] = yaml.safe_load(f)
    return loaded


def _templates() -> None:
    for code, spec in data("checklists").items():
        template, _ = ChecklistTemplate.objects.get_or_create(
            code=code, defaults={"name": spec["name"], "description": spec["description"]})
        have = set(template.points.values_list("code", flat=True))
        ChecklistPoint.objects.bulk_create([
            ChecklistPoint(template=template, group=p["group"], code=p["code"], text=p["text"],
                           guidance=p.get("guidance", ""), order=i)
            for i, p in enumerate(spec["points"], start=1) if p["code"] not in have])
    if not ScoreWeights.objects.exists():
        ScoreWeights.objects.create(name=data("year")["weights_name"])


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _workday_on_or_before(day: dt.date) -> dt.date:
    while not is_workday(day):
        day -= dt.timedelta(days=1)
    return day


@dataclass
class Year:
    """Who acts and where, the random draws (in their fixed order) and today."""

    supervisor: User
    head: User | None
    halls: list[Any]
    departments: list[Any]
    rng: random.Random
    today: dt.date
    notices: int = 0


def _inspect(year: Year, month: dt.date, k: int, offset: int) -> None:
    """The k-th inspection of the month: a few points fail; it is submitted unless it is today's second one."""
    spec = data("year")["inspections"]
    day = _workday_on_or_before(min(year.today, month + dt.timedelta(days=offset)))
    if day < month:
        return
    points = list(ChecklistTemplate.objects.get(code=spec["template"]).points.all())
    hall = year.halls[k % len(year.halls)]
    with clock.frozen(_at(day, spec["hour"])):
        insp = inspection_start(hall_id=hall.pk, template_code=spec["template"], actor=year.supervisor)
        failing = set(year.rng.sample(range(len(points)), k=year.rng.choice(spec["failing_points"])))
        for i, p in enumerate(points):
            inspection_record(inspection_id=insp.pk, point_id=p.pk, passed=i not in failing,
                                          note=spec["failed_note"] if i in failing else "", actor=year.supervisor)
        if day < year.today or k == 0:
            inspection_submit(inspection_id=insp.pk, note=spec["submit_note"], actor=year.supervisor)


def _inspect_streets(year: Year, month: dt.date, rng: random.Random) -> None:
    """Each street's monthly inspection (the street ranking reads them): one hall of the street a month, its
    便民服务中心 first and then its community stations in turn; submitted unless it is today's."""
    from onewindow.hall.models import HallLevel

    spec = data("year")["street_inspections"]
    day = _workday_on_or_before(min(year.today, month + dt.timedelta(days=spec["day_into_month"])))
    if day < month:
        return
    template = data("year")["inspections"]["template"]
    points = list(ChecklistTemplate.objects.get(code=template).points.all())
    for centre in Hall.objects.filter(level=HallLevel.STREET, active=True).order_by("sort_order", "code"):
        halls = [centre, *centre.children.filter(active=True).order_by("sort_order", "code")]
        hall = halls[(month.month - 1) % len(halls)]
        with clock.frozen(_at(day, spec["hour"])):
            insp = inspection_start(hall_id=hall.pk, template_code=template, actor=year.supervisor)
            failing = set(rng.sample(range(len(points)), k=rng.choice(spec["failing_points"])))
            for i, p in enumerate(points):
                inspection_record(inspection_id=insp.pk, point_id=p.pk, passed=i not in failing,
                                  note=spec["failed_note"] if i in failing else "", actor=year.supervisor)
            if day < year.today:
                inspection_submit(inspection_id=insp.pk, note=spec["submit_note"], actor=year.supervisor)


def _notice(year: Year, month: dt.date) -> None:
    """One notice issued some day of the month, then (as its fate draws) answered, returned or accepted."""
    spec, words = data("year")["notices"], data("notices")
    day = _workday_on_or_before(min(year.today, month + dt.timedelta(days=year.rng.randrange(
        0, spec["days_into_month"]))))
    if day < month:
        return
    story = year.rng.choice(words["stories"])
    dept = year.rng.choice(year.departments[:spec["departments"]])
    workdays = year.rng.choice(spec["workdays"])
    with clock.frozen(_at(day, spec["hours"]["issue"])):
        notice = notice_create(source="manual", department_id=dept.pk, title=story["title"],
                                       problem=story["problem"], evidence=words["evidence"],
                                       requirement=story["requirement"], workdays=workdays, actor=year.supervisor)
    year.notices += 1
    fate = year.rng.random()
    if notice.due_on >= year.today and fate < spec["still_fixing"]:
        return  # still being rectified
    if notice.due_on < year.today and fate < spec["overdue"]:
        return  # overdue: shows red
    took = year.rng.randrange(1, workdays + (spec["late_workdays"] if fate < spec["late"] else 0) + 1)
    answer_day = add_workdays(day, took)
    if answer_day > year.today:
        return
    with clock.frozen(_at(answer_day, spec["hours"]["respond"])):
        notice_respond(notice_id=notice.pk, response=words["response_prefix"] + story["requirement"],
                               evidence=words["response_evidence"],
                               actor=year.head if dept.code == spec["head_answers_for"] else None)
    verify_day = add_workdays(answer_day, 1)
    if verify_day > year.today:
        return
    with clock.frozen(_at(verify_day, spec["hours"]["verify"])):
        accept = year.rng.random() >= spec["returned"]
        notice_verify(notice_id=notice.pk, accept=accept,
                              note=words["accepted_note"] if accept else words["returned_note"],
                              actor=year.supervisor)


def _year(stdout: Any) -> None:
    """Inspections and notices month by month, from 1 January to today."""
    supervisor = User.objects.filter(username="supervisor").first()
    halls = list(Hall.objects.order_by("sort_order", "code"))
    departments = list(Department.objects.filter(parent__isnull=True).order_by("sort_order", "code"))
    if not halls or not departments or supervisor is None:
        return
    spec = data("year")
    year = Year(supervisor=supervisor, head=User.objects.filter(username="head").first(), halls=halls,
                departments=departments, rng=random.Random(spec["seed"]), today=clock.today())
    month = dt.date(year.today.year, 1, 1)
    street_rng = random.Random(spec["street_inspections"]["seed"])  # its own draws: the year's stay the same
    while month <= year.today:
        for k, offset in enumerate(spec["inspections"]["days_into_month"]):
            _inspect(year, month, k, offset)
        for _ in range(year.rng.choice(spec["notices"]["per_month"])):
            _notice(year, month)
        _inspect_streets(year, month, street_rng)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    if stdout:
        n = len(spec["inspections"]["days_into_month"])
        stdout.write(f"   supervision: {year.notices} rectification notices, {n} inspections a month")


def _history_notice(spec: dict[str, Any], rng: random.Random, day: dt.date, unit: dict[str, Any],
                    story: dict[str, str], supervisor: User) -> None:
    """One notice of a past year, issued, answered (on time, or a little late) and accepted."""
    workdays = rng.choice(spec["workdays"])
    with clock.frozen(_at(day, spec["hours"]["issue"])):
        notice = notice_create(source="manual", title=story["title"], problem=story["problem"],
                               evidence=spec["evidence"], requirement=story["requirement"], workdays=workdays,
                               actor=supervisor, **unit)
    late = rng.random() < spec["late"]
    took = workdays + rng.randrange(1, 3) if late else rng.randrange(1, workdays + 1)
    answer_day = add_workdays(day, took)
    with clock.frozen(_at(answer_day, spec["hours"]["respond"])):
        notice_respond(notice_id=notice.pk, response=spec["response_prefix"] + story["requirement"],
                       evidence=spec["response_evidence"], actor=None)
    with clock.frozen(_at(add_workdays(answer_day, 1), spec["hours"]["verify"])):
        notice_verify(notice_id=notice.pk, accept=True, note=spec["accepted_note"], actor=supervisor)


def load_history(stdout: Any = None) -> None:
    """Huli's 2021 (year_2021.yaml): a monitor run every day recording what it watched, and the year's notices to
    the district's departments and its district, street and community halls. Skipped when already there."""
    from onewindow.core.models import Region
    from onewindow.hall.models import HallLevel
    from onewindow.supervision.models import MonitorRun

    spec = data("year_2021")
    year = int(spec["year"])
    district = Region.objects.filter(code=spec["district"]).first()
    supervisor = User.objects.filter(username="supervisor").first()
    if year >= clock.today().year or district is None or supervisor is None:
        return
    halls = list(Hall.objects.filter(active=True, region__path__startswith=district.path).order_by("sort_order",
                                                                                                   "code"))
    first = dt.date(year, 1, 1)
    days = [first + dt.timedelta(days=n) for n in range((dt.date(year + 1, 1, 1) - first).days)]
    tz = timezone.get_current_timezone()
    if not MonitorRun.objects.filter(started_at__gte=dt.datetime.combine(first, dt.time.min, tzinfo=tz),
                                     started_at__lt=dt.datetime.combine(days[-1], dt.time.max, tzinfo=tz)).exists():
        targets = {district.code: {"items": int(spec["online_items"]), "halls": len(halls)}}
        MonitorRun.objects.bulk_create([
            MonitorRun(started_at=_at(d, spec["runs_at_hour"]), trigger="nightly", targets=targets,
                       finished_at=_at(d, spec["runs_at_hour"]) + dt.timedelta(minutes=3)) for d in days])
    if Notice.objects.filter(year=year).exists():
        return
    rng = random.Random(spec["seed"])
    units: dict[str, list[dict[str, Any]]] = {
        "department": [{"department_id": d.pk} for d in Department.objects.filter(
            parent__isnull=True, region__path__startswith=district.path).order_by("sort_order", "code")],
        "district_hall": [{"hall_id": h.pk} for h in halls if h.level == HallLevel.DISTRICT],
        "street_hall": [{"hall_id": h.pk} for h in halls if h.level == HallLevel.STREET],
        "community_hall": [{"hall_id": h.pk} for h in halls if h.level == HallLevel.COMMUNITY]}
    kinds = [kind for kind, n in spec["addressees"].items() for _ in range(n) if units[kind]]
    rng.shuffle(kinds)
    for month_no, count in enumerate(spec["per_month"], start=1):
        workdays = [d for d in days if d.month == month_no and is_workday(d)]
        for day in sorted(rng.choice(workdays) for _ in range(count)):
            if not kinds:
                break
            kind = kinds.pop()
            stories = spec["stories"]["online" if kind == "department" else "offline"]
            _history_notice(spec, rng, day, rng.choice(units[kind]), rng.choice(stories), supervisor)
    if stdout:
        stdout.write(f"   supervision: {year}: {Notice.objects.filter(year=year).count()} rectification notices, "
                     f"a monitor run a day over {spec['online_items']} online items and {len(halls)} halls\n")


def _scores() -> dt.date:
    """Scores for the two months before this one and this one; last month's ranking published."""
    today = clock.today()
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    for month in (last_month - dt.timedelta(days=1), last_month, today):
        if not scores.is_published(month):
            rankings.scores_compute(month=month)
    if not scores.is_published(last_month):
        ranking_publish(month=last_month, published=True,
                                actor=User.objects.filter(username="supervisor").first())
    return last_month


def load(*, scale: int = 0, stdout: Any = None) -> None:
    _templates()
    if not Notice.objects.filter(year=clock.today().year).exists():
        _year(stdout)
    load_history(stdout)
    run = monitors_run(trigger="demo")
    published = _scores()
    if stdout:
        # what the supervisor will see: problems open now, by monitor; then what this run changed
        per = {code: p["opened"] + p["still_open"] for code, p in (run.per_monitor or {}).items()}
        found = ", ".join(f"{code} {n}" for code, n in sorted(per.items(), key=lambda kv: -kv[1]) if n)
        stdout.write(f"   supervision: {sum(per.values())} problems open for the supervisor ({found or 'none'}); "
                     f"this run found {run.opened} new and cleared {run.resolved}; scores for 3 months, "
                     f"{published:%Y-%m} published\n")
