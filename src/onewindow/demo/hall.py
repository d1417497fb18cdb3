"""Hall demo: the Huli district hall (湖里区行政服务中心, 3 kinds of comprehensive window, no lunch break)
and the Fu'an HR hall (福安市行政服务中心人社综合窗口); past days of tickets with their events, simulated
as a multi-server queue (arrivals by hour, log-normal service times); a before-reform week at Huli's
department windows (separate queues, longer waits) for the reform metrics; appointment slots ahead.

The figures live in data/hall/*.yaml (halls, counters, categories, hours, arrivals, the before-reform
departments, the simulation's parameters); this module is the logic. Tickets and their events are bulk
inserted (thousands a day), shaped as the queue services write them.

Idempotent: a day that already has tickets is left alone; configuration rows are get_or_create.
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
import random
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TextIO

import yaml
from django.contrib.auth.models import Group, User
from django.db import transaction

from onewindow.catalog.models import WindowCategory
from onewindow.core import clock
from onewindow.core.access import Role
from onewindow.core.models import DailyCounter, Profile
from onewindow.hall.hours import hall_open_periods, hall_tz
from onewindow.hall.models import (
    AppointmentSlot,
    ClerkAction,
    ClerkSession,
    ClerkState,
    ClerkStateEvent,
    Counter,
    CounterKind,
    Hall,
    HallCategory,
    OpeningHours,
    Priority,
    PriorityReason,
    Ticket,
    TicketAction,
    TicketEvent,
    TicketSource,
    TicketStatus,
)

DATA_DIR = Path(__file__).resolve().parent / "data" / "hall"
Plan = list[tuple[HallCategory, float]]  # categories with their arrivals a day
Staffing = list[tuple[Counter, User]]  # counters with the clerk who works there


@cache
def _data(name: str) -> Any:
    return yaml.safe_load((DATA_DIR / f"{name}.yaml").read_text(encoding="utf-8"))


def _sim() -> dict[str, Any]:
    return dict(_data("simulation"))


def _say(stdout: TextIO | None, text: str) -> None:
    if stdout is not None:
        stdout.write(text + "\n")


def _time(text: str) -> dt.time:
    return dt.time.fromisoformat(text)


# --------------------------------------------------------------------------- configuration


def _window_categories() -> dict[str, WindowCategory]:
    data = _data("categories")
    out = {}
    for i, row in enumerate(data["comprehensive"]):
        out[row["code"]], _ = WindowCategory.objects.get_or_create(code=row["code"], defaults={
            "name": row["name"], "default_ticket_prefix": row["prefix"], "description": row["description"],
            "sort_order": i + 1})
    for i, row in enumerate(data["departments"]["windows"]):
        out[row["code"]], _ = WindowCategory.objects.get_or_create(code=row["code"], defaults={
            "name": row["name"], "default_ticket_prefix": row["prefix"], "sort_order": 90 + i,
            "description": data["departments"]["description"]})
    return out


def _hall(spec: dict[str, Any]) -> Hall:
    lunch = spec.get("lunch") or {}
    hall, _ = Hall.objects.get_or_create(code=spec["code"], defaults={
        "name": spec["name"], "name_en": spec.get("name_en", ""), "address": spec["address"],
        "phone": str(spec["phone"]), "no_lunch_break": bool(spec.get("no_lunch_break", False)),
        "reform_date": spec.get("reform_date"),
        "lunch_start": _time(lunch["start"]) if lunch else None, "lunch_end": _time(lunch["end"]) if lunch else None,
        "sort_order": spec["sort_order"]})
    if not hall.name_en and spec.get("name_en"):  # a demo loaded before halls had English names gets them
        hall.name_en = spec["name_en"]
        hall.save(update_fields=["name_en"])
    for weekday in range(5):
        OpeningHours.objects.get_or_create(hall=hall, weekday=weekday, defaults={
            "opens": _time(spec["hours"]["opens"]), "closes": _time(spec["hours"]["closes"])})
    return hall


def _counter(hall: Hall, number: int, name: str, kind: str, skills: list[HallCategory], active: bool = True
             ) -> Counter:
    counter, created = Counter.objects.get_or_create(hall=hall, number=number, defaults={
        "name": name, "kind": kind, "active": active})
    if created:
        counter.categories.set(skills)
    return counter


def _clerks(prefix: str, n: int, seed: int) -> list[User]:
    """<prefix>01…: clerks without a password (the demo logins are core's), named at random from the data."""
    names = _sim()["names"]
    rnd = random.Random(seed)
    group, _ = Group.objects.get_or_create(name=Role.CLERK.value)
    users = []
    for i in range(1, n + 1):
        user, created = User.objects.get_or_create(username=f"{prefix}{i:02d}")
        if created:
            user.set_unusable_password()
            user.save()
            user.groups.add(group)
            Profile.objects.get_or_create(user=user, defaults={
                "display_name": rnd.choice(names["surnames"]) + rnd.choice(names["given"])})
        users.append(user)
    return users


@dataclass
class HallSetup:
    hall: Hall
    categories: list[HallCategory]
    plan: Plan
    staffing: Staffing
    slot_places: dict[str, int]


def _comprehensive(spec: dict[str, Any], wc: dict[str, WindowCategory]) -> HallSetup:
    """The hall, its categories, its comprehensive (and special) counters with a clerk at each."""
    hall = _hall(spec)
    rows = spec["categories"]
    cats, counters = [], []
    for i, row in enumerate(rows):
        category = wc[row["code"]]
        hc, _ = HallCategory.objects.get_or_create(hall=hall, category=category, defaults={
            "prefix": row.get("prefix") or category.default_ticket_prefix, "default_service_minutes": row["minutes"],
            "sort_order": i})
        cats.append(hc)
        counters += [(row["counter_name"], hc)] * row["counters"]
    staffed = [_counter(hall, number, name, CounterKind.COMPREHENSIVE, [hc])
               for number, (name, hc) in enumerate(counters, start=1)]
    for special in spec.get("special_counters", []):
        _counter(hall, special["number"], special["name"], CounterKind.SPECIAL, cats)
    clerks = _clerks(spec["clerks"]["prefix"], len(staffed), seed=spec["clerks"]["seed"])
    return HallSetup(hall=hall, categories=cats, plan=[(hc, float(row["per_day"])) for hc, row in zip(cats, rows,
                                                                                                      strict=True)],
                     staffing=list(zip(staffed, clerks, strict=True)),
                     slot_places={row["code"]: row["slot_places"] for row in rows})


def _departments(setup: HallSetup, first_counter: int, wc: dict[str, WindowCategory]
                 ) -> tuple[Plan, dict[int, float], Staffing]:
    """The hall's department windows before the reform (inactive now), staffed by its first clerks."""
    hall = setup.hall
    plan, mean = [], {}
    counters = []
    for i, row in enumerate(_data("categories")["departments"]["windows"]):
        hc, _ = HallCategory.objects.get_or_create(hall=hall, category=wc[row["code"]], defaults={
            "prefix": row["prefix"], "default_service_minutes": int(row["minutes"]), "active": False,
            "sort_order": 10 + i})
        plan.append((hc, float(row["per_day"])))
        mean[hc.pk] = float(row["minutes"])
        counters += [hc] * row["counters"]
    staffed = [_counter(hall, number, wc[hc.category.code].name, CounterKind.DEPARTMENT, [hc], active=False)
               for number, hc in enumerate(counters, start=first_counter)]
    return plan, mean, list(zip(staffed, [clerk for _c, clerk in setup.staffing], strict=False))


def _slots(setup: HallSetup, today: dt.date) -> None:
    """Appointment slots of the coming days (30 minutes each) for every category of the hall."""
    slots = _sim()["slots"]
    length = dt.timedelta(minutes=slots["minutes"])
    rows = []
    for d in (today + dt.timedelta(days=k) for k in range(slots["days"])):
        for a, b in hall_open_periods(setup.hall, d):
            t, end = dt.datetime.combine(d, a), dt.datetime.combine(d, b)
            while t + length <= end:
                rows += [AppointmentSlot(hall=setup.hall, category=hc, date=d, start=t.time(), end=(t + length).time(),
                                         capacity=setup.slot_places.get(hc.category.code, 3))
                         for hc in setup.categories]
                t += length
    AppointmentSlot.objects.bulk_create(rows, ignore_conflicts=True)


# --------------------------------------------------------------------------- simulation


@dataclass
class SimTicket:
    category: HallCategory
    issued: dt.datetime
    priority: int
    reason: str
    called: dt.datetime | None = None
    finished: dt.datetime | None = None
    no_show: bool = False
    counter: Counter | None = None
    clerk: User | None = None


def _poisson(rnd: random.Random, lam: float) -> int:
    """A Poisson(lam) draw by inversion (lam is small)."""
    k = 0
    p, s, u = math.exp(-lam), math.exp(-lam), rnd.random()
    while u > s:
        k += 1
        p *= lam / k
        s += p
    return k


def _arrivals(rnd: random.Random, hall: Hall, day: dt.date, per_day: float) -> list[dt.datetime]:
    """Non-homogeneous Poisson arrivals shaped by the hourly profile within the opening periods."""
    sim, tz = _sim(), hall_tz(hall)
    minutes = []
    for a, b in hall_open_periods(hall, day):
        t = dt.datetime.combine(day, a, tzinfo=tz)
        end = dt.datetime.combine(day, b, tzinfo=tz) - dt.timedelta(minutes=sim["last_arrival_minutes"])
        while t < end:
            minutes.append(t)
            t += dt.timedelta(minutes=1)
    if not minutes:
        return []
    weights = [sim["hourly"].get(m.hour, sim["other_hours"]) for m in minutes]
    scale = per_day / sum(weights)
    out: list[dt.datetime] = []
    for m, w in zip(minutes, weights, strict=True):
        out.extend(m + dt.timedelta(seconds=rnd.uniform(0, 59)) for _ in range(_poisson(rnd, w * scale)))
    return sorted(out)


def _tickets_for(rnd: random.Random, hall: Hall, day: dt.date, plan: Plan, priority_share: float) -> list[SimTicket]:
    sim = _sim()
    sims = []
    for hc, per_day in plan:
        for at in _arrivals(rnd, hall, day, per_day * rnd.uniform(*sim["day_volume_spread"])):
            prio = rnd.random() < priority_share
            reason = PriorityReason(rnd.choice(sim["priority_reasons"])) if prio else PriorityReason.NONE
            sims.append(SimTicket(hc, at, Priority.PRIORITY if prio else Priority.NORMAL, reason))
    return sims


def _serve(rnd: random.Random, best: SimTicket, at: dt.datetime, mean: float) -> dt.datetime:
    """The called ticket is a no-show or served for a log-normal time; returns when the counter is free."""
    sim = _sim()
    if rnd.random() < sim["no_show_share"]:
        best.no_show = True
        return at + dt.timedelta(minutes=sim["no_show_minutes"])
    sigma = sim["service_sigma"]
    minutes = rnd.lognormvariate(math.log(mean) - sigma * sigma / 2, sigma)
    best.finished = at + dt.timedelta(minutes=max(1.0, min(minutes, 5 * mean)))
    return best.finished


def _simulate(rnd: random.Random, tickets: list[SimTicket], staffing: Staffing, mean_service: dict[int, float],
              start: dt.datetime) -> None:
    """Multi-server queue: a free counter takes the highest-priority, earliest ticket among its skills."""
    skills = {c.pk: set(c.categories.values_list("pk", flat=True)) for c, _u in staffing}
    turnaround = _sim()["turnaround_seconds"]
    free = [(start, i) for i in range(len(staffing))]
    heapq.heapify(free)
    pending = sorted(tickets, key=lambda t: t.issued)
    waiting: list[SimTicket] = []
    i = 0
    while i < len(pending) or waiting:
        t_free, ci = heapq.heappop(free)
        counter, clerk = staffing[ci]
        while i < len(pending) and pending[i].issued <= t_free:
            waiting.append(pending[i])
            i += 1
        mine = [w for w in waiting if w.category.pk in skills[counter.pk]]
        if not mine:
            nxt = next((p.issued for p in pending[i:] if p.category.pk in skills[counter.pk]), None)
            if nxt is not None:  # else this counter has nothing more to do today
                heapq.heappush(free, (max(nxt, t_free), ci))
            continue
        best = min(mine, key=lambda w: (-w.priority, w.issued))
        waiting.remove(best)
        best.called, best.counter, best.clerk = t_free, counter, clerk
        end = _serve(rnd, best, t_free, mean_service[best.category.pk])
        heapq.heappush(free, (end + dt.timedelta(seconds=rnd.uniform(*turnaround)), ci))


# --------------------------------------------------------------------------- writing a day


def _ticket_row(hall: Hall, day: dt.date, s: SimTicket, seq: int, now: dt.datetime) -> Ticket:
    """The ticket as it stands at `now`: anything after `now` has not happened yet."""
    called = s.called is not None and (s.finished or s.called) <= now
    status = (TicketStatus.NO_SHOW if s.no_show else TicketStatus.FINISHED) if called else TicketStatus.WAITING
    return Ticket(
        hall=hall, category=s.category, issued_category=s.category, day=day, seq=seq,
        number=f"{s.category.prefix}{seq:03d}", token=f"demo{hall.pk}{day:%y%m%d}{s.category.pk}x{seq}",
        priority=s.priority, priority_reason=s.reason,
        source=TicketSource.APPOINTMENT if s.reason == PriorityReason.APPOINTMENT else TicketSource.KIOSK,
        issued_at=s.issued, effective_time=s.issued, status=status,
        counter=s.counter if called else None, clerk=s.clerk if called else None)


def _ticket_events(t: Ticket, s: SimTicket, labels: dict[int, str]) -> list[TicketEvent]:
    """The events the queue services would have written for this ticket."""
    events = [TicketEvent(ticket=t, action=TicketAction.ISSUED, at=s.issued, to_status=TicketStatus.WAITING,
                          to_category=s.category)]
    if t.status == TicketStatus.WAITING or s.called is None or s.clerk is None:
        return events
    served = {"counter": s.counter, "actor": s.clerk, "actor_label": labels.get(s.clerk.pk, "")}
    events.append(TicketEvent(ticket=t, action=TicketAction.CALLED, at=s.called, from_status=TicketStatus.WAITING,
                              to_status=TicketStatus.CALLED, **served))
    if s.no_show or s.finished is None:
        events.append(TicketEvent(ticket=t, action=TicketAction.NO_SHOW, from_status=TicketStatus.CALLED,
                                  at=s.called + dt.timedelta(minutes=_sim()["no_show_minutes"]),
                                  to_status=TicketStatus.NO_SHOW, **served))
        return events
    events.append(TicketEvent(ticket=t, action=TicketAction.STARTED, from_status=TicketStatus.CALLED,
                              at=s.called + dt.timedelta(seconds=_sim()["start_after_call_seconds"]),
                              to_status=TicketStatus.SERVING, **served))
    events.append(TicketEvent(ticket=t, action=TicketAction.FINISHED, at=s.finished, from_status=TicketStatus.SERVING,
                              to_status=TicketStatus.FINISHED, **served))
    return events


def _sessions(hall: Hall, day: dt.date, sims: list[SimTicket], staffing: Staffing, now: dt.datetime,
              labels: dict[int, str]) -> None:
    """Each clerk who served signed in before opening and out after closing (or their last service)."""
    sim = _sim()
    periods = hall_open_periods(hall, day)
    open_at = dt.datetime.combine(day, periods[0][0], tzinfo=hall_tz(hall))
    close_at = dt.datetime.combine(day, periods[-1][1], tzinfo=hall_tz(hall))
    last_end: dict[int, dt.datetime] = {}
    for s in sims:
        if s.counter is not None and s.called and s.called <= now:
            last_end[s.counter.pk] = max(last_end.get(s.counter.pk, open_at), s.finished or s.called)
    for counter, clerk in staffing:
        if counter.pk not in last_end:
            continue
        started = open_at - dt.timedelta(minutes=sim["session_before_opening_minutes"])
        ended = min(max(last_end[counter.pk], close_at) + dt.timedelta(minutes=sim["session_after_closing_minutes"]),
                    now)
        session = ClerkSession.objects.create(counter=counter, clerk=clerk, state=ClerkState.SIGNED_OUT,
                                              started_at=started, ended_at=ended)
        who = {"actor": clerk, "actor_label": labels.get(clerk.pk, "")}
        ClerkStateEvent.objects.bulk_create([
            ClerkStateEvent(session=session, action=ClerkAction.SIGN_IN, to_status=ClerkState.AVAILABLE, at=started,
                            **who),
            ClerkStateEvent(session=session, action=ClerkAction.SIGN_OUT, from_status=ClerkState.AVAILABLE,
                            to_status=ClerkState.SIGNED_OUT, at=ended, **who),
        ])


def _write_day(hall: Hall, day: dt.date, sims: list[SimTicket], staffing: Staffing, now: dt.datetime) -> int:
    """Store simulated tickets with their events, their numbering and the clerks' sessions."""
    sims = sorted((s for s in sims if s.issued <= now), key=lambda s: s.issued)
    labels = dict(Profile.objects.filter(user__in=[clerk for _c, clerk in staffing])
                  .values_list("user_id", "display_name"))
    seqs: dict[int, int] = {}
    rows = []
    for s in sims:
        seqs[s.category.pk] = seqs.get(s.category.pk, 0) + 1
        rows.append(_ticket_row(hall, day, s, seqs[s.category.pk], now))
    Ticket.objects.bulk_create(rows, batch_size=500)
    saved = {t.token: t for t in Ticket.objects.filter(hall=hall, day=day)}
    events = [e for s, row in zip(sims, rows, strict=True) for e in _ticket_events(saved[row.token], s, labels)]
    TicketEvent.objects.bulk_create(events, batch_size=1000)
    for cat_pk, value in seqs.items():
        DailyCounter.objects.update_or_create(scope=f"ticket:{hall.pk}:{cat_pk}", day=day, defaults={"value": value})
    _sessions(hall, day, sims, staffing, now, labels)
    return len(rows)


@dataclass(frozen=True)
class Run:
    """Days of one hall simulated with one plan and staffing; `seed` and the day seed each day's draws."""

    plan: Plan
    staffing: Staffing
    mean: dict[int, float]
    seed: str
    priority_share: float
    label: str = ""
    # the recent days are seeded by how many days before today they are, not by their date: whatever day the
    # demo is loaded, it draws the same days, so the figures read back from them (tests/demo) stay the seed's
    by_position: bool = False


def _run_days(hall: Hall, days: list[dt.date], run: Run, now: dt.datetime, stdout: TextIO | None) -> None:
    written: list[int] = []
    for i, day in enumerate(days):
        periods = hall_open_periods(hall, day)
        if not periods or Ticket.objects.filter(hall=hall, day=day).exists():
            continue
        rnd = random.Random(f"{run.seed}-back{len(days) - 1 - i}" if run.by_position else f"{run.seed}-{day.isoformat()}")
        sims = _tickets_for(rnd, hall, day, run.plan, run.priority_share)
        _simulate(rnd, sims, run.staffing, run.mean, dt.datetime.combine(day, periods[0][0], tzinfo=hall_tz(hall)))
        written.append(_write_day(hall, day, sims, run.staffing, now))
    if written:  # one line a run, in the loader's language (English), not one a day
        _say(stdout, f"   hall {hall.code}{run.label}: {sum(written)} tickets over {len(written)} days "
                     f"({days[0]:%Y-%m-%d} to {days[-1]:%Y-%m-%d})")


def _working_days_before(today: dt.date, n: int) -> list[dt.date]:
    out: list[dt.date] = []
    d = today - dt.timedelta(days=1)
    while len(out) < n:
        if d.weekday() < 5:
            out.append(d)
        d -= dt.timedelta(days=1)
    return sorted(out)


def _before_reform(setup: HallSetup, spec: dict[str, Any], wc: dict[str, WindowCategory],
                   now: dt.datetime, stdout: TextIO | None) -> None:
    """The week before the reform at the department windows: separate queues, no green channel."""
    before = spec["before_reform"]
    plan, mean, staffing = _departments(setup, before["first_counter"], wc)
    n_days = before["days"]  # --scale never stretches the seed's before-reform week
    days = [d for d in (before["first_day"] + dt.timedelta(days=k) for k in range(n_days)) if d.weekday() < 5]
    _run_days(setup.hall, days, Run(plan, staffing, mean, str(before["seed"]), 0.0, label=" before the reform"), now, stdout)


@transaction.atomic
def load(*, scale: int = 0, stdout: TextIO | None = None) -> None:
    # --scale adds a benchmark catalog (demo.catalog_scale), never more days: the seed's figures stay as they are
    now = clock.now()
    wc = _window_categories()
    sim = _sim()
    setups = []
    for spec in _data("halls"):
        setup = _comprehensive(spec, wc)
        today = now.astimezone(hall_tz(setup.hall)).date()
        days = _working_days_before(today, sim["past_days"]) + [today]
        mean = {hc.pk: float(hc.default_service_minutes) for hc, _n in setup.plan}
        _run_days(setup.hall, days, Run(setup.plan, setup.staffing, mean, str(spec["seed"]), sim["priority_share"],
                              by_position=True),
                  now, stdout)
        if "before_reform" in spec:
            _before_reform(setup, spec, wc, now, stdout)
        setups.append((setup, today))
    for setup, today in setups:
        _slots(setup, today)
    _say(stdout, "   hall: ready: " + ", ".join(s.hall.code for s, _t in setups))
