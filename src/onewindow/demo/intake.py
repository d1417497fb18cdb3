"""Demo for intake: Huli's bank outlets (商事主体登记银行帮代办) with their staff and business-registration
applications, the hall's 帮办 for elderly citizens (with consent) in Huli and Fu'an, the 24-hour lockers of both
halls and a recent run of drops, pickups and free envelopes.

Everything goes through the services (`intake.services.channels`, `intake.services.custody`, cases' lifecycle)
with the clock set to when it happened, so the outlet figures are counted from real rows. The data lives in
data/intake/*.yaml. Idempotent: submissions carry idempotency keys (a second run finds them and writes
nothing), custody is written only when the demo has none yet.
"""

from __future__ import annotations

import datetime as dt
import random
from functools import cache
from pathlib import Path
from typing import Any, TextIO

import yaml
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils import timezone

from onewindow.bundles.notice import item_notice
from onewindow.cases.models import Application, Channel
from onewindow.cases.services import lifecycle
from onewindow.catalog.models import ServiceItem
from onewindow.core import clock
from onewindow.core.access import Role
from onewindow.core.calendar import is_workday
from onewindow.core.checks import DEMO_PASSWORD
from onewindow.core.models import Profile
from onewindow.core.validators import credit_code_check_char, id_check_digit
from onewindow.hall.models import Hall
from onewindow.intake.models import Custody, Locker, Outlet, OutletMembership
from onewindow.intake.services import channels, custody
from onewindow.intake.services.lockers import locker_pair, locker_pairing_code

DATA_DIR = Path(__file__).resolve().parent / "data" / "intake"
SURNAMES = "林陈黄郑吴王李张蔡许方刘杨翁朱徐周"
KEY_PREFIX = "demo-intake-"  # the idempotency keys of the demo's submissions
GIVEN = "秀英美玲海燕春生金水丽华德明振宇淑芬国栋"


@cache
def _data(name: str) -> dict[str, Any]:
    return dict(yaml.safe_load((DATA_DIR / f"{name}.yaml").read_text(encoding="utf-8")))


def _say(stdout: TextIO | None, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


def load(*, scale: int = 0, stdout: TextIO | None = None) -> None:
    halls = {h.code: h for h in Hall.objects.all()}
    data = _data("outlets")
    if data["hall"] not in halls:
        _say(stdout, "intake: the demo halls are missing, nothing to load")
        return
    outlets = _outlets(data, halls)
    clerk = User.objects.filter(username="clerk").first()
    made = 0
    if not Application.objects.filter(idempotency_key__startswith=KEY_PREFIX).exists():
        made = _outlet_applications(data, outlets, clerk) + _assisted(data, halls, clerk)
    lockers = _lockers(halls)
    moves = _custody(lockers, clerk)
    _say(stdout, f"intake: {len(outlets)} outlets, {made} new applications, {len(lockers)} lockers, "
                 f"{moves} custody items")


# --------------------------------------------------------------------------- outlets and their staff


@transaction.atomic
def _outlets(data: dict[str, Any], halls: dict[str, Hall]) -> list[Outlet]:
    items = list(ServiceItem.objects.filter(code__in=data["items"]))
    group, _ = Group.objects.get_or_create(name=Role.OUTLET_STAFF.value)
    out = []
    for spec in data["outlets"]:
        outlet, _ = Outlet.objects.update_or_create(code=spec["code"], defaults={
            "kind": spec["kind"], "name": spec["name"], "name_en": spec.get("name_en", ""),
            "address": spec.get("address", ""), "hall": halls[data["hall"]], "active": True,
            "created_at": clock.now()})
        outlet.items.set(items)
        for person in spec["staff"]:
            user, created = User.objects.get_or_create(username=person["username"])
            if created:
                if person["username"] == "outlet":  # the one demo login of outlet staff
                    user.set_password(DEMO_PASSWORD)
                else:
                    user.set_unusable_password()
                user.save()
            user.groups.add(group)
            Profile.objects.update_or_create(user=user, defaults={"display_name": person["name"]})
            OutletMembership.objects.update_or_create(user=user, defaults={
                "outlet": outlet, "active": True, "created_at": clock.now()})
        out.append(outlet)
    return out


def _workdays_back(today: dt.date, days: int) -> list[dt.date]:
    return [d for d in (today - dt.timedelta(days=n) for n in range(1, days + 1)) if is_workday(d)]


def _at(day: dt.date, hour: float) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9)) + dt.timedelta(hours=hour - 9))


def _id_number(rng: random.Random, region: str, *, elderly: bool = False) -> str:
    year = rng.randrange(1936, 1956) if elderly else rng.randrange(1965, 2000)
    first17 = f"{region}{year}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}{rng.randrange(0, 1000):03d}"
    return first17 + id_check_digit(first17)


def _credit_code(rng: random.Random, region: str) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    first17 = "9135" + region[2:6] + "MA" + "".join(rng.choice(alphabet) for _ in range(7))
    return first17 + credit_code_check_char(first17)


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN[::2]) + rng.choice(GIVEN[1::2])


def _form(notice: Any, rng: random.Random, name: str, region: str) -> dict[str, str]:
    fillers = {
        "date": lambda: (clock.today() - dt.timedelta(days=rng.randrange(1, 60))).isoformat(),
        "number": lambda: str(rng.randrange(1, 20)),
        "mobile": lambda: f"139{rng.randrange(10 ** 7, 10 ** 8)}",
        "id_number": lambda: _id_number(rng, region),
        "credit_code": lambda: _credit_code(rng, region),
    }
    form: dict[str, str] = {}
    for f in notice.fields:
        if f.kind == "choice" and f.choices:
            form[f.key] = str(rng.choice(f.choices))
        elif f.kind in fillers:
            form[f.key] = str(fillers[f.kind]())
        elif "name" in f.key:
            form[f.key] = name
        else:
            form[f.key] = f"{f.label}（演示）"
    return form


def _submission(item: ServiceItem, rng: random.Random, region: str, *, elderly: bool = False) -> dict[str, Any]:
    notice = item_notice(item_code=item.code)
    name = _name(rng)
    applicant = {"kind": "person", "name": name, "id_number": _id_number(rng, region, elderly=elderly),
                 "phone": f"138{rng.randrange(10 ** 7, 10 ** 8)}"}
    return {"applicant": applicant, "form": _form(notice, rng, name, region),
            "checked_materials": [m.code for m in notice.materials if m.source != "40"]}


def _handle(app: Application, clerk: User | None, rng: random.Random, data: dict[str, Any]) -> None:
    """What the hall's window did with it: accepted after some hours, sent back for materials once, refused, or
    still waiting today."""
    if clerk is None:
        return
    draw = rng.random()
    low, high = data["hours_to_accept"]
    later = app.submitted_at + dt.timedelta(hours=rng.uniform(low, high))
    if later > clock.now() or draw < data["share_open"]:
        return
    draw -= data["share_open"]
    with clock.frozen(later):
        if draw < data["share_not_accepted"]:
            for case in app.cases.all():
                lifecycle.case_not_accept(case=case, actor=clerk, reason="经营场所证明与登记住所不一致")
            return
        if draw < data["share_not_accepted"] + data["share_supplement"]:
            lifecycle.application_request_supplement(application=app, actor=clerk, missing=["住所（经营场所）使用证明"],
                                                     note="请补交租赁合同复印件")
            later += dt.timedelta(hours=rng.uniform(20, 60))
            if later > clock.now():
                return
            with clock.frozen(later):
                for case in app.cases.all():
                    lifecycle.case_complete_supplement(case=case, actor=clerk)
            return
        lifecycle.application_accept(application=app, actor=clerk)


def _outlet_applications(data: dict[str, Any], outlets: list[Outlet], clerk: User | None) -> int:
    rng = random.Random(data["seed"])
    days = _workdays_back(clock.today(), data["days"])
    items = {i.code: i for i in ServiceItem.objects.filter(code__in=data["items"])}
    if not items or not days:
        return 0
    made = 0
    for outlet, spec in zip(outlets, data["outlets"], strict=True):
        staff = list(User.objects.filter(outlet_membership__outlet=outlet).order_by("username"))
        for n in range(int(spec["applications"])):
            item = items[rng.choice(sorted(items))]
            when = _at(rng.choice(days), rng.uniform(9, 17))
            submission = _submission(item, rng, "350206")
            actor = staff[n % len(staff)]
            with clock.frozen(when):
                result = channels.outlet_submit(item_code=item.code, actor=actor,
                                                idempotency_key=f"{KEY_PREFIX}{outlet.code}-{n}", **submission)
            if result.created:
                made += 1
                _handle(result.application, clerk, rng, data)
    return made


def _assisted(data: dict[str, Any], halls: dict[str, Hall], clerk: User | None) -> int:
    if clerk is None:
        return 0
    rng = random.Random(data["seed"] + 1)
    days = _workdays_back(clock.today(), data["days"])
    made = 0
    for spec in data["assisted"]:
        item = ServiceItem.objects.filter(code=spec["item"], status="published").first()
        hall = halls.get(spec["hall"])
        if item is None or hall is None:
            continue
        for n in range(int(spec["count"])):
            when = _at(rng.choice(days), rng.uniform(9, 16))
            with clock.frozen(when):
                result = channels.assisted_submit(
                    hall=hall, code=item.code, actor=clerk, consent_method=rng.choice(data["consent_methods"]),
                    consent_witness=rng.choice(data["witnesses"]), consent_note="老年人现场授权，大厅帮办代为填报",
                    idempotency_key=f"{KEY_PREFIX}assisted-{hall.code}-{n}",
                    **_submission(item, rng, spec["item"][:6], elderly=True))
            if result.created:
                made += 1
                _handle(result.application, clerk, rng, data)
    return made


# --------------------------------------------------------------------------- lockers and custody


@transaction.atomic
def _lockers(halls: dict[str, Hall]) -> list[Locker]:
    out = []
    for spec in _data("lockers")["lockers"]:
        hall = halls.get(spec["hall"])
        if hall is None:
            continue
        locker, _ = Locker.objects.update_or_create(code=spec["code"], defaults={
            "hall": hall, "name": spec["name"], "name_en": spec.get("name_en", ""),
            "location": spec.get("location", ""), "location_en": spec.get("location_en", ""),
            "compartments": spec["compartments"], "active": True})
        out.append(locker)
    return out


def _candidates(locker: Locker) -> list[Application]:
    """Recent window or online applications in the locker's region that are still open."""
    region = "350981" if locker.hall.code.startswith("fuan") else "350206"
    since = clock.now() - dt.timedelta(days=30)
    apps = (Application.objects.filter(submitted_at__gte=since, cases__item__code__startswith=region)
.prefetch_related("cases").distinct().order_by("-submitted_at")[:400])
    return [a for a in apps if a.status not in custody.CLOSED_APPLICATION]


def _custody(lockers: list[Locker], clerk: User | None) -> int:
    if clerk is None or not lockers or Custody.objects.exists():
        return Custody.objects.count()
    spec = _data("lockers")
    rng = random.Random(spec["seed"])
    citizen = User.objects.filter(username="citizen").first()
    for locker in lockers:
        if not locker.devices.exists():
            locker_pair(code=locker_pairing_code(locker=locker, actor=clerk), label="演示终端")
    for locker in lockers:
        pool = _candidates(locker)
        rng.shuffle(pool)
        own = [a for a in pool if citizen is not None and a.applicant.user_id == citizen.pk]
        _locker_moves(locker, own + [a for a in pool if a not in own], clerk, rng, spec)
    return Custody.objects.count()


def _actor_for(app: Application, clerk: User) -> Any:
    """The applicant's own account for their online applications, else the clerk acting for them."""
    if app.channel == Channel.ONLINE and app.applicant.user is not None:
        return app.applicant.user
    return clerk


def _locker_moves(locker: Locker, pool: list[Application], clerk: User, rng: random.Random,
                  spec: dict[str, Any]) -> None:
    device = locker.devices.filter(revoked_at__isnull=True).first()
    if device is None:
        return
    share = 1 if locker.hall.code == "huli" else 2  # Huli carries most of the demo week
    plan = [("drop", spec["drops_collected"] // share, True), ("drop", spec["drops_waiting"] // share, False),
            ("result", spec["results_picked_up"] // share, True), ("result", spec["results_waiting"] // share, False),
            ("envelope", spec["envelopes_received"] // share, "received"),
            ("envelope", spec["envelopes_mailed"] // share, "mailed"),
            ("envelope", spec["envelopes_requested"] // share, "requested")]
    apps = iter(pool)
    for kind, count, finish in plan:
        for _ in range(count):
            app = next(apps, None)
            if app is None:
                return
            start = max(app.submitted_at, clock.now() - dt.timedelta(days=6)) + dt.timedelta(hours=rng.uniform(1, 5))
            if start >= clock.now():
                continue
            _move(kind, finish, app, locker, device, clerk, rng, start)


def _move(kind: str, finish: Any, app: Application, locker: Locker, device: Any, clerk: User, rng: random.Random,
          start: dt.datetime) -> None:
    actor = _actor_for(app, clerk)
    steps = [start + dt.timedelta(hours=h) for h in sorted(rng.uniform(0.5, 30) for _ in range(3))]
    steps = [min(s, clock.now() - dt.timedelta(minutes=5)) for s in steps]
    with clock.frozen(start):
        if kind == "drop":
            item, code = custody.custody_book_drop(application=app, locker=locker, actor=actor)
        elif kind == "result":
            item = custody.custody_place_result(application=app, locker=locker, actor=clerk)
        else:
            item = custody.custody_request_envelope(application=app, actor=actor)
    with clock.frozen(steps[0]):
        if kind == "drop":
            custody.locker_open(device=device, application_number=app.number, code=code)
        elif kind == "result":
            code = custody.custody_issue_code(custody=item, actor=actor)
        elif finish in ("received", "mailed"):
            item = custody.custody_mail(custody=item, tracking_number=f"SF{rng.randrange(10 ** 11, 10 ** 12)}",
                                        actor=actor)
    if not finish or finish == "requested" or finish == "mailed":
        return
    item.refresh_from_db()
    with clock.frozen(steps[1]):
        if kind == "drop":
            custody.custody_collect(custody=item, actor=clerk)
        elif kind == "result":
            custody.locker_open(device=device, application_number=app.number, code=code)
        else:
            custody.custody_receive(custody=item, actor=clerk)
