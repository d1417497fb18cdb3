"""Hall demo: the Huli district hall (湖里区行政服务中心, 3 kinds of comprehensive window, no lunch break)
and the Fu'an HR hall (福安市行政服务中心人社综合窗口); past days of tickets with their events, simulated
as a multi-server queue (arrivals by hour, log-normal service times); a before-reform week at Huli's
department windows (separate queues, longer waits) for the reform metrics; appointment slots ahead.

Idempotent: a day that already has tickets is left alone; configuration rows are get_or_create.
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
import random
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Group, User
from django.db import transaction

from onewindow.core import clock
from onewindow.core.access import Role
from onewindow.core.models import DailyCounter, Profile
from onewindow.hall.models import (
    AppointmentSlot,
    ClerkSession,
    ClerkStateEvent,
    Counter,
    CounterKind,
    Hall,
    HallCategory,
    OpeningHours,
    Priority,
    PriorityReason,
    Ticket,
    TicketEvent,
    TicketEventKind,
    TicketSource,
    TicketStatus,
)

TZ = ZoneInfo("Asia/Shanghai")

CATEGORIES = [  # code, name, prefix, description
    ("social", "社会民生", "A", "社保、医保、户籍、民政、卫健、残联等民生事项"),
    ("business", "经营管理", "B", "企业开办、变更、注销，食品经营、药店、旅馆等经营许可"),
    ("construction", "工程建设", "C", "工程建设项目立项、规划、施工许可、竣工验收"),
    ("hr", "人社综合", "D", "养老、就业、失业、社保卡、招聘、档案等人社业务一窗通办"),
]

# Huli before the reform (2019-11): department windows, each its own queue.
HULI_DEPARTMENTS = [  # code, name, prefix, counters, arrivals/day, mean service minutes
    ("dept-market", "市场监管局窗口", "E", 5, 250, 12.0),
    ("dept-hrss", "人社局窗口", "F", 4, 180, 11.0),
    ("dept-housing", "建设局窗口", "G", 3, 80, 16.0),
    ("dept-health", "卫健局窗口", "H", 2, 70, 10.0),
    ("dept-civil", "民政局窗口", "J", 2, 70, 10.0),
    ("dept-medical", "医保局窗口", "K", 3, 150, 9.0),
    ("dept-others", "其他部门窗口", "L", 3, 70, 12.0),
]

SURNAMES = "陈林黄张李王吴刘蔡杨郑许谢洪郭邱曾廖赖周徐苏叶庄吕"
GIVEN = ["雅琴", "志强", "丽华", "建平", "晓燕", "文斌", "美玲", "国梁", "秀英", "海燕", "振宇", "佳慧", "明辉",
         "淑芬", "伟东", "婷婷", "俊杰", "秋月", "少华", "思远", "春梅", "宏伟", "雪芳", "家豪", "惠敏", "金水"]

# Relative arrivals per hour of the day (a morning peak, a smaller afternoon peak).
HOURLY = {8: 0.5, 9: 1.6, 10: 1.8, 11: 1.3, 12: 0.6, 13: 0.7, 14: 1.3, 15: 1.4, 16: 1.0, 17: 0.4}


def _say(stdout, text: str) -> None:  # noqa: ANN001
    if stdout is not None:
        stdout.write(text + "\n")


def _categories() -> dict[str, object]:
    from onewindow.catalog.models import WindowCategory

    out = {}
    for i, (code, name, prefix, desc) in enumerate(CATEGORIES):
        wc, _ = WindowCategory.objects.get_or_create(
            code=code, defaults={"name": name, "default_ticket_prefix": prefix, "description": desc, "sort_order": i + 1})
        out[code] = wc
    for i, (code, name, prefix, *_rest) in enumerate(HULI_DEPARTMENTS):
        wc, _ = WindowCategory.objects.get_or_create(
            code=code, defaults={"name": name, "default_ticket_prefix": prefix, "sort_order": 90 + i,
                                 "description": "湖里区综合窗口改革前的部门窗口（已停用，保留用于改革前后对比）"})
        out[code] = wc
    return out


def _hall(code: str, **defaults: object) -> Hall:
    hall, _ = Hall.objects.get_or_create(code=code, defaults=defaults)
    return hall


def _hours(hall: Hall, opens: dt.time, closes: dt.time, weekdays: range = range(5)) -> None:
    for wd in weekdays:
        OpeningHours.objects.get_or_create(hall=hall, weekday=wd, defaults={"opens": opens, "closes": closes})


def _clerks(prefix: str, n: int, seed: int) -> list[User]:
    rnd = random.Random(seed)
    group, _ = Group.objects.get_or_create(name=Role.CLERK.value)
    users = []
    for i in range(1, n + 1):
        user, created = User.objects.get_or_create(username=f"{prefix}{i:02d}")
        if created:
            user.set_unusable_password()
            user.save()
            user.groups.add(group)
            Profile.objects.get_or_create(user=user, defaults={"display_name": rnd.choice(SURNAMES) + rnd.choice(GIVEN)})
        users.append(user)
    return users


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


def _arrivals(rnd: random.Random, day: dt.date, per_day: float, periods: list[tuple[dt.time, dt.time]]) -> list[dt.datetime]:
    """Non-homogeneous Poisson arrivals shaped by HOURLY within the opening periods."""
    minutes = []
    for a, b in periods:
        t = dt.datetime.combine(day, a, tzinfo=TZ)
        end = dt.datetime.combine(day, b, tzinfo=TZ) - dt.timedelta(minutes=10)
        while t < end:
            minutes.append(t)
            t += dt.timedelta(minutes=1)
    if not minutes:
        return []
    weights = [HOURLY.get(m.hour, 0.3) for m in minutes]
    scale = per_day / sum(weights)
    out = []
    for m, w in zip(minutes, weights, strict=True):
        lam = w * scale
        k = 0
        # Poisson(lam) by inversion (lam is small)
        p, s, u = math.exp(-lam), math.exp(-lam), rnd.random()
        while u > s:
            k += 1
            p *= lam / k
            s += p
        out.extend(m + dt.timedelta(seconds=rnd.uniform(0, 59)) for _ in range(k))
    return sorted(out)


def _simulate(rnd: random.Random, tickets: list[SimTicket], counters: list[tuple[Counter, User]],
              mean_service: dict[int, float], start: dt.datetime, no_show_p: float = 0.03) -> None:
    """Multi-server queue: a free counter takes the highest-priority, earliest ticket among its skills."""
    skills = {c.pk: set(c.categories.values_list("pk", flat=True)) for c, _u in counters}
    free = [(start, i) for i in range(len(counters))]
    heapq.heapify(free)
    pending = sorted(tickets, key=lambda t: t.issued)
    waiting: list[SimTicket] = []
    i = 0
    while i < len(pending) or waiting:
        t_free, ci = heapq.heappop(free)
        counter, clerk = counters[ci]
        while i < len(pending) and pending[i].issued <= t_free:
            waiting.append(pending[i])
            i += 1
        mine = [w for w in waiting if w.category.pk in skills[counter.pk]]
        if not mine:
            nxt = next((p.issued for p in pending[i:] if p.category.pk in skills[counter.pk]), None)
            if nxt is None:
                continue  # this counter has nothing more to do today
            heapq.heappush(free, (max(nxt, t_free), ci))
            continue
        best = min(mine, key=lambda w: (-w.priority, w.issued))
        waiting.remove(best)
        best.called, best.counter, best.clerk = t_free, counter, clerk
        if rnd.random() < no_show_p:
            best.no_show = True
            end = t_free + dt.timedelta(minutes=1.5)
        else:
            mean = mean_service[best.category.pk]
            sigma = 0.55
            minutes = rnd.lognormvariate(math.log(mean) - sigma * sigma / 2, sigma)
            end = t_free + dt.timedelta(minutes=max(1.0, min(minutes, 5 * mean)))
            best.finished = end
        heapq.heappush(free, (end + dt.timedelta(seconds=rnd.uniform(10, 40)), ci))


def _write_day(hall: Hall, day: dt.date, sims: list[SimTicket], counters: list[tuple[Counter, User]],
               now: dt.datetime) -> int:
    """Store simulated tickets with their events; anything after `now` has not happened yet."""
    from onewindow.hall.services import hall_open_periods

    periods = hall_open_periods(hall, day)
    open_at = dt.datetime.combine(day, periods[0][0], tzinfo=TZ)
    close_at = dt.datetime.combine(day, periods[-1][1], tzinfo=TZ)
    sims = [s for s in sims if s.issued <= now]
    sims.sort(key=lambda s: s.issued)
    seqs: dict[int, int] = {}
    rows = []
    for s in sims:
        seqs[s.category.pk] = seqs.get(s.category.pk, 0) + 1
        seq = seqs[s.category.pk]
        called = s.called if s.called and (s.finished or s.called) <= now else None
        if called is None:
            status = TicketStatus.WAITING
        else:
            status = TicketStatus.NO_SHOW if s.no_show else TicketStatus.FINISHED
        rows.append(Ticket(
            hall=hall, category=s.category, issued_category=s.category, day=day, seq=seq,
            number=f"{s.category.prefix}{seq:03d}", token=f"demo{hall.pk}{day:%y%m%d}{s.category.pk}x{seq}",
            priority=s.priority, priority_reason=s.reason,
            source=TicketSource.APPOINTMENT if s.reason == PriorityReason.APPOINTMENT else TicketSource.KIOSK,
            issued_at=s.issued, effective_time=s.issued, status=status,
            counter=s.counter if called else None, clerk=s.clerk if called else None,
            items_handled="" if not called else "",
        ))
    Ticket.objects.bulk_create(rows, batch_size=500)
    saved = {t.token: t for t in Ticket.objects.filter(hall=hall, day=day)}
    events = []
    for s, row in zip(sims, rows, strict=True):
        t = saved[row.token]
        events.append(TicketEvent(ticket=t, kind=TicketEventKind.ISSUED, at=s.issued, to_category=s.category))
        if row.status == TicketStatus.WAITING:
            continue
        events.append(TicketEvent(ticket=t, kind=TicketEventKind.CALLED, at=s.called, counter=s.counter, clerk=s.clerk))
        if s.no_show:
            events.append(TicketEvent(ticket=t, kind=TicketEventKind.NO_SHOW, at=s.called + dt.timedelta(minutes=1.5),
                                      counter=s.counter, clerk=s.clerk))
        else:
            events.append(TicketEvent(ticket=t, kind=TicketEventKind.STARTED, at=s.called + dt.timedelta(seconds=30),
                                      counter=s.counter, clerk=s.clerk))
            events.append(TicketEvent(ticket=t, kind=TicketEventKind.FINISHED, at=s.finished, counter=s.counter,
                                      clerk=s.clerk))
    TicketEvent.objects.bulk_create(events, batch_size=1000)
    for cat_pk, value in seqs.items():
        DailyCounter.objects.update_or_create(scope=f"ticket:{hall.pk}:{cat_pk}", day=day, defaults={"value": value})
    # clerk sessions: signed in from opening until their last service (or now)
    last_end: dict[int, dt.datetime] = {}
    for s in sims:
        if s.counter is not None and s.called and s.called <= now:
            last_end[s.counter.pk] = max(last_end.get(s.counter.pk, open_at), s.finished or s.called)
    for counter, clerk in counters:
        if counter.pk not in last_end:
            continue
        started = open_at - dt.timedelta(minutes=5)
        ended = min(max(last_end[counter.pk], close_at) + dt.timedelta(minutes=3), now)
        session = ClerkSession.objects.create(counter=counter, clerk=clerk, started_at=started, ended_at=ended)
        ClerkStateEvent.objects.bulk_create([
            ClerkStateEvent(session=session, state="available", at=started),
            ClerkStateEvent(session=session, state="signed_out", at=ended),
        ])
    return len(rows)


def _working_days_before(today: dt.date, n: int) -> list[dt.date]:
    out, d = [], today - dt.timedelta(days=1)
    while len(out) < n:
        if d.weekday() < 5:
            out.append(d)
        d -= dt.timedelta(days=1)
    return sorted(out)


def _tickets_for(rnd: random.Random, hall: Hall, day: dt.date, plan: list[tuple[HallCategory, float]],
                 priority_share: float = 0.06) -> list[SimTicket]:
    from onewindow.hall.services import hall_open_periods

    periods = hall_open_periods(hall, day)
    sims = []
    for hc, per_day in plan:
        for at in _arrivals(rnd, day, per_day * rnd.uniform(0.9, 1.1), periods):
            prio = rnd.random() < priority_share
            reason = rnd.choice([PriorityReason.ELDERLY, PriorityReason.ELDERLY, PriorityReason.DISABLED,
                                 PriorityReason.PREGNANT, PriorityReason.APPOINTMENT]) if prio else ""
            sims.append(SimTicket(hc, at, Priority.PRIORITY if prio else Priority.NORMAL, reason))
    return sims


def _run_days(hall: Hall, days: list[dt.date], plan: list[tuple[HallCategory, float]],
              counters: list[tuple[Counter, User]], seed: int, now: dt.datetime, stdout) -> None:  # noqa: ANN001
    from onewindow.hall.services import hall_open_periods

    mean = {hc.pk: float(hc.default_service_minutes) for hc, _n in plan}
    for day in days:
        if not hall_open_periods(hall, day) or Ticket.objects.filter(hall=hall, day=day).exists():
            continue
        rnd = random.Random(f"{seed}-{day.isoformat()}")
        sims = _tickets_for(rnd, hall, day, plan)
        start = dt.datetime.combine(day, hall_open_periods(hall, day)[0][0], tzinfo=TZ)
        _simulate(rnd, sims, counters, mean, start)
        n = _write_day(hall, day, sims, counters, now)
        _say(stdout, f"  {hall.name} {day}: {n} 个号")


def _slots(hall: Hall, cats: list[HallCategory], today: dt.date, days: int, capacity: dict[str, int]) -> None:
    from onewindow.hall.services import hall_open_periods

    rows = []
    d = today
    for _ in range(days):
        for a, b in hall_open_periods(hall, d):
            t = dt.datetime.combine(d, a)
            end = dt.datetime.combine(d, b)
            while t + dt.timedelta(minutes=30) <= end:
                for hc in cats:
                    rows.append(AppointmentSlot(hall=hall, category=hc, date=d, start=t.time(),
                                                end=(t + dt.timedelta(minutes=30)).time(),
                                                capacity=capacity.get(hc.category.code, 3)))
                t += dt.timedelta(minutes=30)
        d += dt.timedelta(days=1)
    AppointmentSlot.objects.bulk_create(rows, ignore_conflicts=True)


@transaction.atomic
def load(*, scale: int = 0, stdout=None) -> None:  # noqa: ANN001
    now = clock.now()
    today = now.astimezone(TZ).date()
    wc = _categories()
    past_days = 3 + 2 * max(scale, 0)

    # ---- Huli: 3 comprehensive categories, 28 counters, no lunch break
    huli = _hall("huli", name="湖里区行政服务中心", address="厦门市湖里区金山街道云顶北路842号",
                 phone="0592-5718000", no_lunch_break=True, reform_date=dt.date(2019, 11, 1), sort_order=1)
    _hours(huli, dt.time(9, 0), dt.time(17, 30))
    hcs = {}
    for i, (code, minutes) in enumerate([("social", 7), ("business", 9), ("construction", 12)]):
        hcs[code], _ = HallCategory.objects.get_or_create(
            hall=huli, category=wc[code],
            defaults={"prefix": wc[code].default_ticket_prefix, "default_service_minutes": minutes, "sort_order": i})
    layout = [("social", 12, "社会民生综合窗口"), ("business", 10, "经营管理综合窗口"), ("construction", 6, "工程建设综合窗口")]
    number = 0
    huli_counters: list[Counter] = []
    for code, n, name in layout:
        for _ in range(n):
            number += 1
            counter, created = Counter.objects.get_or_create(hall=huli, number=number,
                                                             defaults={"name": name, "kind": CounterKind.COMPREHENSIVE})
            if created:
                counter.categories.set([hcs[code]])
            huli_counters.append(counter)
    special, created = Counter.objects.get_or_create(hall=huli, number=29, defaults={
        "name": "“办不成事”反映窗口", "kind": CounterKind.SPECIAL})
    if created:
        special.categories.set(list(hcs.values()))
    huli_clerks = _clerks("hl_clerk", 28, seed=1)
    pairs = list(zip(huli_counters, huli_clerks, strict=True))
    after_plan = [(hcs["social"], 648), (hcs["business"], 490), (hcs["construction"], 162)]
    _run_days(huli, _working_days_before(today, past_days) + [today], after_plan, pairs, 11, now, stdout)

    # ---- Huli before the reform: department windows with separate queues (inactive now)
    dept_hcs = []
    dept_pairs = []
    number = 30
    for i, (code, _name, prefix, n, _per_day, minutes) in enumerate(HULI_DEPARTMENTS):
        hc, _ = HallCategory.objects.get_or_create(hall=huli, category=wc[code], defaults={
            "prefix": prefix, "default_service_minutes": int(minutes), "active": False, "sort_order": 10 + i})
        dept_hcs.append(hc)
        for _ in range(n):
            number += 1
            counter, created = Counter.objects.get_or_create(hall=huli, number=number, defaults={
                "name": wc[code].name, "kind": CounterKind.DEPARTMENT, "active": False})
            if created:
                counter.categories.set([hc])
            dept_pairs.append(counter)
    before_clerks = _clerks("hl_clerk", 22, seed=1)
    before_plan = [(hc, spec[4]) for hc, spec in zip(dept_hcs, HULI_DEPARTMENTS, strict=True)]
    before_mean = {hc.pk: spec[5] for hc, spec in zip(dept_hcs, HULI_DEPARTMENTS, strict=True)}
    before_days = [d for d in (dt.date(2019, 10, 21) + dt.timedelta(days=k) for k in range(5 + 2 * max(scale, 0)))
                   if d.weekday() < 5]
    for day in before_days:
        from onewindow.hall.services import hall_open_periods

        if Ticket.objects.filter(hall=huli, day=day).exists() or not hall_open_periods(huli, day):
            continue
        rnd = random.Random(f"before-{day.isoformat()}")
        sims = _tickets_for(rnd, huli, day, before_plan, priority_share=0.0)
        start = dt.datetime.combine(day, dt.time(9, 0), tzinfo=TZ)
        counters_b = list(zip(dept_pairs, before_clerks, strict=True))
        _simulate(rnd, sims, counters_b, before_mean, start)
        n = _write_day(huli, day, sims, counters_b, now)
        _say(stdout, f"  {huli.name} 改革前 {day}: {n} 个号")

    # ---- Fu'an HR hall: one category, integrated counters, lunch break
    fuan = _hall("fuan-hr", name="福安市行政服务中心人社综合窗口", address="福建省福安市阳头街道福安行政服务中心二楼",
                 phone="0593-6399110", no_lunch_break=False, lunch_start=dt.time(12, 0), lunch_end=dt.time(14, 30),
                 sort_order=2)
    _hours(fuan, dt.time(8, 30), dt.time(17, 30))
    hr, _ = HallCategory.objects.get_or_create(hall=fuan, category=wc["hr"], defaults={
        "prefix": "D", "default_service_minutes": 10})
    fuan_counters = []
    for n in range(1, 9):
        counter, created = Counter.objects.get_or_create(hall=fuan, number=n, defaults={
            "name": "人社综合柜员", "kind": CounterKind.COMPREHENSIVE})
        if created:
            counter.categories.set([hr])
        fuan_counters.append(counter)
    fuan_pairs = list(zip(fuan_counters, _clerks("fa_clerk", 8, seed=2), strict=True))
    _run_days(fuan, _working_days_before(today, past_days) + [today], [(hr, 300)], fuan_pairs, 22, now, stdout)

    # ---- appointment slots for the coming week
    _slots(huli, list(hcs.values()), today, 8, {"social": 4, "business": 4, "construction": 2})
    _slots(fuan, [hr], today, 8, {"hr": 3})
    _say(stdout, "hall: 湖里区行政服务中心、福安市人社综合窗口已就绪")
