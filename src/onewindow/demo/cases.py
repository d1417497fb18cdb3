"""Demo applications and cases (idempotent): Fu'an HR bureau and Huli district, 2020 (before the reform, items
done one by one at the old limits) and 2021 onwards (bundles, halved limits), with open cases in every state
near today (some overdue, some close to their deadline) so the worklist, metrics and hall have life.

The figures live in data/cases/*.yaml — volumes per bundle (the seed's for Fu'an: 企业招用员工 20, 解除终止劳动合同
15, 失业 23, 事业单位聘用 26 and 申领社会保障卡 11,000 "one thing" applications since 2021), the made-up people and
companies, the mix of channels and outcomes, the 秒批 rules; this module is the logic. Bundles and items are
looked up in the catalog by code. Rows are bulk inserted (thousands of applications; no files), shaped as the
cases services write them: materials are recorded as paper originals checked at the window, events carry the
application number as their correlation.

Idempotent: nothing is written when demo applications (idempotency scope `demo`) exist.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, TextIO

import yaml
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.utils import timezone

from onewindow.bundles.answers import evaluate
from onewindow.bundles.models import Bundle
from onewindow.bundles.notice import compute_notice
from onewindow.bundles.spec import load_bundle
from onewindow.cases.models import (
    Applicant,
    Application,
    AutoApprovalRule,
    Case,
    CaseEvent,
    CaseMaterial,
    CaseStatus,
    SubmittedMaterial,
    SupplementRequest,
)
from onewindow.catalog.models import ItemHistory, MaterialSource, ServiceItem
from onewindow.core import clock
from onewindow.core.actors import actor_label
from onewindow.core.calendar import add_workdays, deadline_after
from onewindow.core.models import DailyCounter
from onewindow.core.validators import credit_code_check_char, id_check_digit

DATA_DIR = Path(__file__).resolve().parent / "data" / "cases"
DEMO_SCOPE = "demo"
FLUSH_EVERY = 2000  # applications held before a bulk insert
EVENT_BATCH = 5000

Event = dict[str, Any]


@cache
def _data(name: str) -> dict[str, Any]:
    return dict(_read(name))


@cache
def _read(name: str) -> dict[str, Any]:
    """A data file, read once per process (the loader asks for the same files for every application)."""
    return dict(yaml.safe_load((DATA_DIR / f"{name}.yaml").read_text(encoding="utf-8")))


def _say(stdout: TextIO | None, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


def load(*, scale: int = 0, stdout: TextIO | None = None) -> None:
    if Application.objects.filter(idempotency_scope=DEMO_SCOPE).exists():
        _say(stdout, "cases: demo already loaded")
        return
    mix = _data("mix")
    rng = random.Random(mix["seed"])
    specs = _published_specs()
    if not specs:
        _say(stdout, "cases: no bundles in the catalog, nothing to load")
        return
    volumes = _volumes(specs, scale)
    builder = _Builder(rng, clock.today(), _demo_users())
    with transaction.atomic():
        for code, spec in specs.items():
            notices = _notices(spec, rng)
            if notices:
                _bundle_applications(builder, code, spec, notices, volumes[code])
        builder.flush()
        _auto_rules()
    _say(stdout, f"cases: {builder.app_count} applications, {builder.case_count} cases")


# --------------------------------------------------------------------------- what to write


def _demo_users() -> dict[str, User]:
    people = _data("people")
    names = [people["citizen"]["username"], people["clerk"], "head",
             *(region["reviewer"] for region in people["regions"].values())]
    return {u.username: u for u in User.objects.filter(username__in=names).select_related("profile")}


def _published_specs() -> dict[str, Any]:
    specs: dict[str, Any] = {}
    for b in Bundle.objects.filter(status="published").order_by("code"):
        try:
            specs[b.code] = load_bundle(b.code)
        except Exception:  # noqa: BLE001 - a half-built bundle is skipped, not fatal
            continue
    return specs


def _volumes(specs: dict[str, Any], scale: int) -> dict[str, int]:
    """The seed's volumes as they are: `--scale` adds a benchmark catalog and never changes a seed figure."""
    volumes = _data("volumes")
    return {code: int(volumes["bundles"].get(code, volumes["other_bundles"])) for code in specs}


def _answers(spec: Any, rng: random.Random) -> dict[str, list[str]]:
    """A random valid set of answers: follow-up questions answered only when shown."""
    mix = _data("mix")
    answers: dict[str, list[str]] = {}
    for _round in range(mix["answer_rounds"]):
        evaluation = evaluate(spec, answers)
        changed = False
        for q in evaluation.visible:
            if q.key not in answers and (q.required or rng.random() < mix["follow_up_share"]):
                options = spec.options.get(q.id, [])
                if options:
                    answers[q.key] = [rng.choice(options).key]
                    changed = True
        if not changed:
            break
    return answers


def _notices(spec: Any, rng: random.Random) -> list[Any]:
    """A few notices of the bundle (different answers), those with at least one item."""
    notices: list[Any] = []
    for _i in range(_data("mix")["notices_per_bundle"]):
        try:
            notices.append(compute_notice(spec, evaluate(spec, _answers(spec, rng))))
        except Exception:  # noqa: BLE001 - answers the bundle cannot take are skipped
            continue
    return [n for n in notices if n.items]


def _region(code: str) -> dict[str, Any]:
    people = _data("people")
    for region in people["regions"].values():
        if region["prefixes"] and code.startswith(tuple(region["prefixes"])):
            return dict(region)
    return dict(people["regions"][people["default_region"]])


def _bundle_applications(builder: _Builder, code: str, spec: Any, notices: list[Any], n: int) -> None:
    """The bundle's applications since the reform (the last few still open), then its items before it."""
    volumes, mix = _data("volumes"), _data("mix")
    rng, today = builder.rng, builder.today
    region = _region(code)
    recent = mix["recent"]
    open_count = max(recent["min"], min(recent["max"], n // recent["divisor"])) if n < volumes["bulk_from"] \
        else recent["bulk"]
    lean = code in volumes["lean"] or n >= volumes["bulk_from"]
    since = volumes["since"]
    for k in range(n):
        is_open = k < open_count
        notice = rng.choice(notices)
        if is_open:
            submitted = _workday_back(today, max(0, _longest_limit(notice) - _days_left(rng)))
        else:
            submitted = since + dt.timedelta(days=rng.randrange(0, max(1, (today - since).days - 30)))
        builder.add(spec.bundle, notice, submitted, region=region, open_case=is_open, light=not lean or is_open)
    before = volumes["before_reform"]
    if code.startswith(before["prefix"]) and code not in before["except"]:
        for _k in range(max(4, int(n * before["share"]))):
            submitted = before["from"] + dt.timedelta(days=rng.randrange(0, before["days"]))
            builder.add_before(rng.choice(notices), submitted, region=region)


def _longest_limit(notice: Any) -> int:
    return max((i.promised_limit for i in notice.items if i.handling_type == "2"), default=0)


def _days_left(rng: random.Random) -> int:
    """Working days an open case has left: about 15% overdue, 20% close to the deadline, the rest in good time."""
    d = _data("mix")["deadline"]
    r = rng.random()
    if r < d["overdue_below"]:
        return -rng.randint(*d["overdue_days"])
    if r < d["close_below"]:
        return rng.randint(*d["close_days"])
    return rng.randint(*d["good_days"])


def _workday_back(day: dt.date, n: int) -> dt.date:
    return add_workdays(day, -n) if n else day


def _auto_rules() -> None:
    for spec in _data("mix")["auto_rules"]:
        if ServiceItem.objects.filter(code=spec["item_code"]).exists():
            AutoApprovalRule.objects.get_or_create(
                item_code=spec["item_code"],
                defaults={"rule": spec["rule"], "result_prefix": spec["result_prefix"], "note": spec["note"]})


# --------------------------------------------------------------------------- made-up people and values


def _id_number(rng: random.Random, region: str) -> str:
    births = _data("people")["births"]
    birth = births["from"] + dt.timedelta(days=rng.randrange(0, 365 * births["years"]))
    first17 = f"{region}{birth:%Y%m%d}{rng.randrange(0, 1000):03d}"
    return first17 + id_check_digit(first17)


def _credit_code(rng: random.Random, region: str) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    first17 = "9135" + region[2:6] + "MA" + "".join(rng.choice(alphabet) for _ in range(7))
    return first17 + credit_code_check_char(first17)


def _person_name(rng: random.Random, surname: str = "") -> str:
    people = _data("people")
    given = people["given"]
    return (surname or rng.choice(people["surnames"])) + "".join(rng.choice(given) for _ in range(rng.choice((1, 2))))


def _named(key: str, rng: random.Random, applicant: Applicant) -> str | None:
    """The name a name field holds (mix.yaml form_people), or None for a field that names nobody."""
    people = {role: set(keys) for role, keys in _data("mix")["form_people"].items()}
    person = applicant.legal_representative or applicant.name
    if key in people["applicant"]:
        return person
    if key in people["company"]:
        return applicant.name if applicant.kind == "enterprise" else None
    if key in people["legal_representative"]:
        return person
    if key in people["family"]:  # a relative, never the applicant: the deceased is not the one who applies
        name = person
        while name == person:
            name = _person_name(rng, person[:1])
        return name
    if key in people["other"]:
        return _person_name(rng)
    return None


def _fill(form_field: Any, rng: random.Random, applicant: Applicant) -> str:
    form = _data("mix")["form"]
    region = _data("people")["form_region"]
    fillers = {
        "date": lambda: (form["dates_from"] + dt.timedelta(days=rng.randrange(0, form["days"]))).isoformat(),
        "number": lambda: str(rng.randrange(*form["numbers"])),
        "mobile": lambda: f"139{rng.randrange(10 ** 7, 10 ** 8)}",
        "id_number": lambda: _id_number(rng, region),
        "credit_code": lambda: _credit_code(rng, region),
    }
    if form_field.kind == "choice" and form_field.choices:
        return str(rng.choice(form_field.choices))
    if form_field.kind in fillers:
        return str(fillers[form_field.kind]())
    named = _named(form_field.key, rng, applicant)
    if named is not None:
        return named
    texts = _data("mix")["form_texts"].get(form_field.key)
    if texts:
        return str(rng.choice(texts))
    return str(form_field.label)  # a field the data files do not know yet: its label, never a made-up value


class _Numbers:
    """Per-day application numbers continuing any existing counter, written back at the end."""

    def __init__(self) -> None:
        self.values: dict[dt.date, int] = dict(
            DailyCounter.objects.filter(scope="application").values_list("day", "value"))

    def next(self, day: dt.date) -> int:
        self.values[day] = self.values.get(day, 0) + 1
        return self.values[day]

    def save(self) -> None:
        rows = [DailyCounter(scope="application", day=d, value=v) for d, v in self.values.items()]
        DailyCounter.objects.bulk_create(rows, update_conflicts=True, unique_fields=["scope", "day"],
                                         update_fields=["value"], batch_size=2000)


# --------------------------------------------------------------------------- the rows


@dataclass
class _Pending:
    applicant: Applicant
    application: Application
    cases: list[Case] = field(default_factory=list)
    events: list[list[Event]] = field(default_factory=list)
    materials: list[SubmittedMaterial] = field(default_factory=list)
    material_items: list[tuple[str, ...]] = field(default_factory=list)  # the items each material serves


@dataclass
class _Item:
    """One case being made: the item, when it was received and accepted, who handles it, and its events."""

    case: Case
    notice_item: Any
    day: dt.date
    accept_at: dt.datetime
    clerk: User | None
    reviewer: User | None
    events: list[Event]
    old: bool


class _Builder:
    def __init__(self, rng: random.Random, today: dt.date, users: dict[str, User]) -> None:
        self.rng = rng
        self.today = today
        self.users = users
        self.mix = _data("mix")
        self.people = _data("people")
        self.numbers = _Numbers()
        self.pending: list[_Pending] = []
        self.app_count = 0
        self.case_count = 0
        self.old_limits = self._old_limits()
        # 柜员跑腿: a case goes to its item's handling unit (Fu'an's business centres), as submissions route them
        self.routes = dict(ServiceItem.objects.filter(handling_department__isnull=False)
                           .values_list("pk", "handling_department_id"))
        self.citizen_left = int(self.people["citizen"]["count"])
        self.clerk = users.get(self.people["clerk"])
        self.now = clock.now()

    def _old_limits(self) -> dict[int, int]:
        limits: dict[int, int] = {}
        for h in ItemHistory.objects.order_by("item_id", "version"):
            limits.setdefault(h.item_id, h.promised_limit)  # version 1 = before the reform
        return limits

    def _at(self, day: dt.date, hour: float) -> dt.datetime:
        h = int(hour)
        m = int((hour - h) * 60)
        return timezone.make_aware(dt.datetime(day.year, day.month, day.day, h, m))

    def _submitted(self, day: dt.date, hour: float, hours: list[float]) -> dt.datetime:
        """When an application came in: at `hour` of `day`; today, within the part of the opening hours gone by."""
        when = self._at(day, hour)
        if when <= self.now:
            return when
        opening, closing = self._at(day, hours[0]), self._at(day, hours[1])
        if self.now <= opening:
            return self.now
        return opening + (self.now - opening) * ((when - opening) / (closing - opening))

    def _person(self, region: dict[str, Any], enterprise: bool, when: dt.datetime) -> Applicant:
        rng = self.rng
        surnames, given = self.people["surnames"], self.people["given"]
        name = rng.choice(surnames) + "".join(rng.choice(given) for _ in range(rng.choice((1, 2))))
        phone = f"1{rng.choice('3589')}{rng.randrange(0, 10)}{rng.randrange(10 ** 7, 10 ** 8)}"
        if enterprise:
            return Applicant(kind="enterprise", name=rng.choice(region["companies"]),
                             credit_code=_credit_code(rng, region["code"]), legal_representative=name,
                             contact_name=rng.choice(surnames) + rng.choice(given[::2]), contact_phone=phone,
                             created_at=when)
        return Applicant(kind="person", name=name, id_number=_id_number(rng, region["code"]), phone=phone,
                         created_at=when)

    def _citizen_owns(self, channel: str, enterprise: bool, open_case: bool) -> bool:
        """The demo login "citizen" owns a handful: a few recent open ones and some finished ones."""
        citizen = self.people["citizen"]
        return (channel == "online" and not enterprise and self.citizen_left > 0 and citizen["username"] in self.users
                and self.rng.random() < (citizen["share_open"] if open_case else citizen["share_done"]))

    def _number(self, day: dt.date) -> tuple[str, str]:
        seq = self.numbers.next(day)
        return f"SQ{day:%Y%m%d}-{seq:04d}", f"{day:%Y%m%d}-{seq}"

    def add(self, bundle: Any, notice: Any, day: dt.date, *, region: dict[str, Any], open_case: bool,
            light: bool) -> None:
        rng = self.rng
        when = self._submitted(day, rng.uniform(*self.mix["hours"]["submit"]), self.mix["hours"]["submit"])
        enterprise = bundle.audience == "enterprise"
        applicant = self._person(region, enterprise, when)
        channel = "online" if rng.random() < self.mix["online_share"] else "window"
        if self._citizen_owns(channel, enterprise, open_case):
            applicant.user = self.users[self.people["citizen"]["username"]]
            applicant.name = self.people["citizen"]["name"]
            self.citizen_left -= 1
        number, key = self._number(day)
        app = Application(number=number, kind="bundle", code=notice.code, name=notice.name,
                          answers={k: list(v) for k, v in notice.answers.items()},
                          form_data={f.key: _fill(f, rng, applicant) for f in notice.fields},
                          channel=channel, phone_last4=applicant.notify_phone[-4:], idempotency_scope=DEMO_SCOPE,
                          idempotency_key=key, submitted_at=when,
                          submitted_by=applicant.user if applicant.user else self.clerk if channel == "window" else None)
        self._cases(_Pending(applicant, app), notice.items, when, day, open_case=open_case, old=False,
                    materials=notice.materials if light else ())

    def add_before(self, notice: Any, day: dt.date, *, region: dict[str, Any]) -> None:
        """2020: each item a separate application, old limit, processing close to (sometimes over) the limit."""
        for item in notice.items:
            hours = self.mix["hours"]["submit_before_reform"]
            when = self._submitted(day, self.rng.uniform(*hours), hours)
            applicant = self._person(region, False, when)
            number, key = self._number(day)
            app = Application(number=number, kind="item", code=item.code, name=item.name, channel="window",
                              phone_last4=applicant.notify_phone[-4:], idempotency_scope=DEMO_SCOPE,
                              idempotency_key=key, submitted_at=when, submitted_by=self.clerk)
            materials = [m for m in notice.materials if item.code in m.item_codes]  # what the item asked for
            self._cases(_Pending(applicant, app), [item], when, day, open_case=False, old=True, materials=materials)

    # ----------------------------------------------------------------------- one case's story

    def _cases(self, pending: _Pending, items: Any, when: dt.datetime, day: dt.date, *, open_case: bool, old: bool,
               materials: Any) -> None:
        for index, item in enumerate(items, start=1):
            case, events = self._case(pending.application, item, index, when, day, open_case=open_case, old=old)
            pending.cases.append(case)
            pending.events.append(events)
        kept = [m for m in materials if m.source != MaterialSource.SHARED]
        pending.materials = [SubmittedMaterial(material_id=m.material_id, checked=True,
                                               original_name=self.mix["paper_material"], uploaded_at=when)
                             for m in kept]
        pending.material_items = [tuple(m.item_codes) for m in kept]
        self.pending.append(pending)
        if len(self.pending) >= FLUSH_EVERY:
            self.flush()

    def _status(self, *, open_case: bool, instant: bool) -> str:
        if open_case and not instant:
            return str(self.rng.choice(self.mix["open_statuses"]))
        r = self.rng.random()
        status = next((s for s, below in self.mix["finished"].items() if r < below), "delivered")
        return "delivered" if instant and status in ("denied", "terminated") else status

    def _case(self, app: Application, item: Any, index: int, when: dt.datetime, day: dt.date, *, open_case: bool,
              old: bool) -> tuple[Case, list[Event]]:
        rng = self.rng
        limit = self.old_limits.get(item.item_id, item.promised_limit) if old else item.promised_limit
        instant = item.handling_type == "1" and not (old and limit > 0)
        reviewer = self.users.get(_region(app.code)["reviewer"])
        c = Case(number=f"BJ{app.number[2:]}-{index:02d}", item_id=item.item_id, item_code=item.code,
                 item_name=item.name, department_id=self.routes.get(item.item_id, item.department_id),
                 handling_type="1" if instant else "2",
                 promised_limit=0 if instant else limit, received_at=when, updated_at=when)
        minutes = self.mix["minutes"]["accept_after_submit"]
        story = _Item(case=c, notice_item=item, day=day, accept_at=when + dt.timedelta(minutes=rng.randint(*minutes)),
                      clerk=self.clerk, reviewer=reviewer, old=old,
                      events=[{"at": when, "action": "receive", "from": "", "to": "received", "actor": self.clerk}])
        status = self._status(open_case=open_case, instant=instant)
        if status == "supplement":
            self._supplement(story)
        elif status in ("received", "not_accepted", "withdrawn") and not instant:
            self._not_accepted(story, status)
        else:
            self._accept(story, deferral=status == "terminated" and not instant and not open_case)
            if instant:
                self._instant(story, status)
            elif open_case:
                self._open(story, status)
            elif status == "terminated":
                self._terminated(story)
            else:
                self._finished(story, status, index)
        self._in_order(story)
        return c, story.events

    def _in_order(self, s: _Item) -> None:
        """A history reads in order and ends by now: an event drawn before the one it follows (a review 20 hours
        after an acceptance this morning) moves up to it, one drawn in the future to now; the case's own times
        follow their events."""
        moved: dict[dt.datetime, dt.datetime] = {}
        previous: dt.datetime | None = None
        for e in s.events:
            at = min(e["at"], self.now)
            if previous is not None and at < previous:
                at = previous
            if at != e["at"]:
                moved[e["at"]] = at
            e["at"] = previous = at
        c = s.case
        c.decided_at = moved.get(c.decided_at, c.decided_at) if c.decided_at else None
        c.completed_at = moved.get(c.completed_at, c.completed_at) if c.completed_at else None
        special = next((e for e in s.events if e["action"] == "special_start"), None)
        if special is not None:
            c.pause_started_on = timezone.localdate(special["at"])

    def _supplement(self, s: _Item) -> None:
        s.case.status = CaseStatus.SUPPLEMENT
        s.events.append({"at": s.accept_at, "action": "supplement", "from": "received", "to": "supplement",
                         "actor": s.clerk, "reason": self.mix["reasons"]["supplement"]})

    def _not_accepted(self, s: _Item, status: str) -> None:
        s.case.status = status
        if status != "received":
            refused = status == "not_accepted"
            s.events.append({"at": s.accept_at, "action": "not_accept" if refused else "withdraw", "from": "received",
                             "to": status, "actor": s.clerk if refused else None,
                             "reason": self.mix["reasons"]["not_accepted" if refused else "withdrawn"]})

    def _accept(self, s: _Item, *, deferral: bool) -> None:
        deadline = deadline_after(s.day, s.case.promised_limit)
        s.case.accepted_on, s.case.due_date, s.case.due_provisional = s.day, deadline.date, deadline.provisional
        s.events.append({"at": s.accept_at, "action": "accept_deferral" if deferral else "accept", "from": "received",
                         "to": "accepted", "actor": s.clerk})

    def _instant(self, s: _Item, status: str) -> None:
        c = s.case
        done_at = s.accept_at + dt.timedelta(minutes=self.rng.randint(*self.mix["minutes"]["instant_done_after_accept"]))
        c.status = "delivered" if status == "delivered" else "completed"
        c.decided_by, c.decided_at, c.completed_at = s.clerk, done_at, done_at
        c.result_number = f"JB{c.number[2:]}"
        s.events += [{"at": done_at, "action": "approve", "from": "accepted", "to": "approved", "actor": s.clerk,
                      "reason": self.mix["reasons"]["instant"]},
                     {"at": done_at, "action": "complete", "from": "approved", "to": "completed", "actor": s.clerk}]
        if c.status == "delivered":
            c.delivery_method = "pickup"
            s.events.append({"at": done_at + dt.timedelta(minutes=2), "action": "deliver", "from": "completed",
                             "to": "delivered", "actor": s.clerk})

    def _open(self, s: _Item, status: str) -> None:
        c = s.case
        c.status = status
        if status in ("under_review", "special_procedure", "approved"):
            s.events.append({"at": s.accept_at + dt.timedelta(hours=20), "action": "start_review", "from": "accepted",
                             "to": "under_review", "actor": s.reviewer})
        if status == "special_procedure":
            c.pause_started_on = min(self.today, add_workdays(s.day, 2))
            s.events.append({"at": self._at(c.pause_started_on, 10), "action": "special_start", "from": "under_review",
                             "to": "special_procedure", "actor": s.reviewer, "reason": self.mix["reasons"]["special"],
                             "data": {"kind": "inspection"}})
        if status == "approved":
            c.decided_by, c.decided_at = s.reviewer, self._at(self.today, 9)
            s.events.append({"at": c.decided_at, "action": "approve", "from": "under_review", "to": "approved",
                             "actor": s.reviewer})

    def _terminated(self, s: _Item) -> None:
        """容缺受理 whose make-up deadline passed."""
        c = s.case
        c.status = CaseStatus.TERMINATED
        c.deferred_materials = [dict(self.mix["deferred_material"])]
        c.makeup_due = add_workdays(s.day, max(1, min(20, c.promised_limit - 2)))
        s.events.append({"at": self._at(min(self.today, c.makeup_due + dt.timedelta(days=1)), 2),
                         "action": "terminate", "from": "accepted", "to": "terminated", "actor": None,
                         "reason": self.mix["reasons"]["terminated"]})

    def _finished(self, s: _Item, status: str, index: int) -> None:
        """Decided and done: processing time as a share of the limit (before the reform: slower, sometimes over)."""
        rng, c = self.rng, s.case
        share = rng.uniform(*self.mix["processing_share"]["before" if s.old else "after"])
        took = max(1, round(c.promised_limit * share))
        done_day = min(add_workdays(s.day, took), self.today)
        done_at = self._at(done_day, rng.uniform(*self.mix["hours"]["decide"]))
        c.decided_by, c.decided_at, c.completed_at = s.reviewer, done_at, done_at
        s.events.append({"at": done_at - dt.timedelta(hours=2), "action": "start_review", "from": "accepted",
                         "to": "under_review", "actor": s.reviewer})
        c.status = status
        if status == "denied":
            s.events.append({"at": done_at, "action": "deny", "from": "under_review", "to": "denied",
                             "actor": s.reviewer, "reason": self.mix["reasons"]["denied"]})
            return
        c.result_number = f"{c.item_code[-6:]}-{c.number[2:10]}{index:02d}"
        s.events += [{"at": done_at - dt.timedelta(minutes=30), "action": "approve", "from": "under_review",
                      "to": "approved", "actor": s.reviewer},
                     {"at": done_at, "action": "complete", "from": "approved", "to": "completed", "actor": s.reviewer}]
        if status == "delivered":
            c.delivery_method = rng.choice(self.mix["delivery_methods"])
            c.delivery_ref = (f"SF{rng.randrange(10 ** 11, 10 ** 12)}" if c.delivery_method == "post"
                              else f"{rng.randrange(0, 10 ** 6):06d}" if c.delivery_method == "locker" else "")
            s.events.append({"at": done_at + dt.timedelta(days=1), "action": "deliver", "from": "completed",
                             "to": "delivered", "actor": s.clerk, "data": {"method": c.delivery_method}})

    # ----------------------------------------------------------------------- bulk inserts

    def flush(self) -> None:
        if not self.pending:
            return
        applicants = Applicant.objects.bulk_create([p.applicant for p in self.pending], batch_size=FLUSH_EVERY)
        for applicant, p in zip(applicants, self.pending, strict=True):
            p.application.applicant = applicant
        apps = Application.objects.bulk_create([p.application for p in self.pending], batch_size=FLUSH_EVERY)
        all_cases: list[Case] = []
        for app, p in zip(apps, self.pending, strict=True):
            for c in p.cases:
                c.application = app
                all_cases.append(c)
            for m in p.materials:
                m.application = app
        Case.objects.bulk_create(all_cases, batch_size=FLUSH_EVERY)
        self._insert_events()
        SubmittedMaterial.objects.bulk_create([m for p in self.pending for m in p.materials], batch_size=FLUSH_EVERY)
        # each material to the cases whose items asked for it, as the services link them (the case page lists them)
        CaseMaterial.objects.bulk_create(
            [CaseMaterial(case=c, submitted=m) for p in self.pending
             for m, codes in zip(p.materials, p.material_items, strict=True) for c in p.cases if c.item_code in codes],
            batch_size=FLUSH_EVERY)
        self._supplement_requests()
        self.app_count += len(apps)
        self.case_count += len(all_cases)
        self.pending = []
        self.numbers.save()

    def _insert_events(self) -> None:
        """Events are the bulk of the rows: a plain executemany is several times cheaper than bulk_create."""
        labels = {u.pk: actor_label(u) for u in self.users.values()}
        ops = connection.ops
        rows: list[tuple[Any, ...]] = []
        for p in self.pending:
            for c, events in zip(p.cases, p.events, strict=True):
                for e in events:
                    actor = e.get("actor")
                    rows.append((c.pk, ops.adapt_datetimefield_value(e["at"]), actor.pk if actor else None,
                                 labels.get(actor.pk, "") if actor else "", e["action"], e["from"], e["to"],
                                 e.get("reason", ""), p.application.number,
                                 json.dumps(e.get("data", {}), ensure_ascii=False)))
        table = CaseEvent._meta.db_table
        with connection.cursor() as cursor:
            for i in range(0, len(rows), EVENT_BATCH):
                cursor.executemany(
                    f"INSERT INTO {table} (case_id, at, actor_id, actor_label, action, from_status, to_status, reason,"
                    " correlation, data) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)", rows[i:i + EVENT_BATCH])

    def _supplement_requests(self) -> None:
        """One one-time supplement notice per application with cases waiting for a supplement."""
        by_app: dict[int, list[Case]] = defaultdict(list)
        for p in self.pending:
            for c in p.cases:
                if c.status == CaseStatus.SUPPLEMENT:
                    by_app[p.application.pk].append(c)
        for app_id, cases in by_app.items():
            req = SupplementRequest.objects.create(application_id=app_id, missing=self.mix["supplement_missing"],
                                                   requested_at=cases[0].received_at)
            req.cases.set(cases)
