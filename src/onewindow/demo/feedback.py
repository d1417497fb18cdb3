"""Feedback demo: suggestion categories with routing rules, ratings of what the hall and cases demos served, a few
bad reviews taken through the whole rectification loop, and about 60 citizen suggestions since 2021.

What it holds is data (data/feedback/*.yaml: the categories and routing, the rating mixes and reason codes, the
bad reviews' stories, the suggestions' texts and replies); this module is the logic. Ratings of served tickets and
applications are bulk inserted (tens of thousands), shaped as the rating service writes them; the bad reviews and
the suggestions go through feedback's services, each step at its own (frozen) time, so they carry the events and
audit entries real ones do. Default ratings are given by the service the daily task runs.

Idempotent: categories are upserted; ratings skip rated services; suggestions are keyed by an idempotency key.
Ticket ratings are attributed to an item of the ticket's window category (the hall demo does not record items);
items and departments are found by category and code, never by name.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import Any, TextIO

import yaml
from django.contrib.auth.models import Group, User
from django.db import transaction

from onewindow.cases.models import DONE_STATUSES, Application, Case, CaseEvent
from onewindow.catalog.models import Department, ServiceItem
from onewindow.core import clock
from onewindow.core.access import Role
from onewindow.core.models import Profile
from onewindow.feedback import targets
from onewindow.feedback.links import RatingToken
from onewindow.feedback.models import (
    BAD_LEVELS,
    Channel,
    Rating,
    RatingEvent,
    Rectification,
    RoutingRule,
    Suggestion,
    SuggestionCategory,
    UserProp,
)
from onewindow.feedback.services import rectification as rect
from onewindow.feedback.services import suggestions as voice
from onewindow.feedback.services.default_ratings import rating_default_apply
from onewindow.feedback.services.ratings import rating_create
from onewindow.hall.models import Ticket, TicketEvent

DATA_DIR = Path(__file__).resolve().parent / "data" / "feedback"
TZ = dt.timezone(dt.timedelta(hours=8))


@cache
def _data(name: str) -> Any:
    return yaml.safe_load((DATA_DIR / f"{name}.yaml").read_text(encoding="utf-8"))


def _say(stdout: TextIO | None, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


def _pick(rnd: random.Random, weighted: Sequence[Sequence[Any]]) -> Any:
    return rnd.choices([w[0] for w in weighted], weights=[w[1] for w in weighted])[0]


def _since(value: dt.date) -> dt.datetime:
    return dt.datetime.combine(value, dt.time.min, tzinfo=TZ)


# ---------------------------------------------------------------- categories and routing


@transaction.atomic
def _categories() -> dict[str, SuggestionCategory]:
    data = _data("categories")
    depts = {d.code: d for d in Department.objects.all()}
    result = {}
    for order, spec in enumerate(data["categories"]):
        cat, _ = SuggestionCategory.objects.update_or_create(code=spec["code"], defaults={
            "name": spec["name"], "group": spec["group"], "description": spec["description"],
            "keywords": spec["keywords"], "due_workdays": spec["due_workdays"], "is_cant_do": spec.get("cant_do", False),
            "sort_order": order, "department": depts.get(spec.get("default_unit", ""))})
        if not cat.rules.exists():
            RoutingRule.objects.bulk_create([
                RoutingRule(category=cat, keyword=keyword, department=depts[code], priority=10 + i)
                for i, (keyword, code) in enumerate(data["keyword_rules"]) if code in depts])
        result[spec["code"]] = cat
    return result


# ---------------------------------------------------------------- ratings (bulk)


def _bulk_rate(rows: list[Rating], kind: str) -> None:
    """Store the ratings with their `rated` events, as the rating service would have written them."""
    with transaction.atomic():
        Rating.objects.bulk_create(rows, batch_size=1000)
        saved = Rating.objects.filter(target_kind=kind, events__isnull=True)
        RatingEvent.objects.bulk_create([
            RatingEvent(rating=r, action=RatingEvent.Action.RATED, at=r.rated_at,
                        data={"level": r.level, "channel": r.channel, "reasons": r.reasons, "demo": True})
            for r in saved.iterator(chunk_size=2000)], batch_size=1000)


def _items_by_category() -> dict[int, list[ServiceItem]]:
    out: dict[int, list[ServiceItem]] = {}
    for item in ServiceItem.objects.exclude(window_category=None).select_related("department").order_by("code"):
        assert item.window_category_id is not None
        out.setdefault(item.window_category_id, []).append(item)
    return out


def _ticket_rating(t: Ticket, rnd: random.Random, served: dt.datetime, now: dt.datetime,
                   items: dict[int, list[ServiceItem]]) -> Rating | None:
    spec = _data("ratings")
    channel = _pick(rnd, spec["ticket_channels"])
    delay = dt.timedelta(seconds=rnd.randint(15, 120)) if channel == Channel.HALL_PAD else \
        dt.timedelta(minutes=rnd.randint(10, 600))
    rated_at = served + delay
    if rated_at > now:
        return None
    level = _pick(rnd, spec["levels"]["fuan" if t.hall.code.startswith("fuan") else "huli"])
    choices = items.get(t.category.category_id) or []
    item = choices[t.pk % len(choices)] if choices else None
    reasons = sorted(set(rnd.sample(spec["good_reasons"][level], k=rnd.choice([0, 1, 1, 2]))))
    return Rating(
        target_kind="ticket", target_id=t.pk, sequence=1, target_number=f"{t.day:%Y%m%d}-{t.number}",
        level=level, channel=channel, reasons=reasons, anonymous=True, rated_at=rated_at, served_at=served,
        department_id=item.department_id if item else None, item=item, item_name=item.name if item else "",
        clerk_id=t.clerk_id, hall_id=t.hall_id, counter_id=t.counter_id, hall_name=t.hall.name,
        counter_name=(t.counter.name or f"{t.counter.number}号窗口") if t.counter else "",
        user_prop=UserProp.LEGAL if t.category.category.code == "business" and rnd.random() < .5 else UserProp.PERSON,
        text=rnd.choice(spec["ticket_texts"]) if level == "very_satisfied" else "")


def _rate_tickets(now: dt.datetime, stdout: TextIO | None) -> int:
    """Bulk-rate finished tickets (since 好差评 began) that have no rating yet."""
    spec = _data("ratings")
    since = spec["since"]
    rated = set(Rating.objects.filter(target_kind="ticket").values_list("target_id", flat=True))
    items = _items_by_category()
    finished_at = dict(TicketEvent.objects.filter(action="finished", ticket__day__gte=since)
                       .values_list("ticket_id", "at"))
    tickets = (Ticket.objects.filter(status="finished", day__gte=since)
               .select_related("hall", "counter", "category__category").order_by("id"))
    rows: list[Rating] = []
    for t in tickets.iterator(chunk_size=2000):
        rnd = random.Random(t.pk * 7919)  # one stream per ticket: a second run decides the same way
        if t.pk in rated or t.pk not in finished_at or rnd.random() > spec["active_share"]:
            continue
        rating = _ticket_rating(t, rnd, finished_at[t.pk], now, items)
        if rating is not None:
            rows.append(rating)
    _bulk_rate(rows, "ticket")
    _say(stdout, f"   ratings: {len(rows)} ticket ratings")
    return len(rows)


def _application_rating(app: Application, mine: list[Case], handled: list[tuple[str, int]],
                        now: dt.datetime) -> Rating | None:
    spec = _data("ratings")
    rnd = random.Random(app.pk * 7907)
    done = [c.completed_at for c in mine if c.completed_at and c.status in ("completed", "delivered")]
    if not done or any(c.status not in DONE_STATUSES for c in mine) or rnd.random() > spec["active_share"]:
        return None
    served = max(done)
    rated_at = served + dt.timedelta(hours=rnd.randint(1, 48))
    if rated_at > now:
        return None
    level = _pick(rnd, spec["levels"]["huli"])
    first = mine[0]
    return Rating(
        target_kind="application", target_id=app.pk, sequence=1, target_number=app.number, level=level,
        channel=_pick(rnd, spec["application_channels"]),
        reasons=sorted(set(rnd.sample(spec["good_reasons"][level], k=rnd.choice([0, 1, 1])))), anonymous=True,
        rated_at=rated_at, served_at=served, department_id=first.department_id,
        item_id=first.item_id if len(mine) == 1 else None, item_name=app.name[:200],
        clerk_id=targets.responsible_staff(channel=app.channel, events=handled,
                                           applicant_ids=targets.applicant_user_ids(app),
                                           decided_by=[c.decided_by_id for c in mine if c.decided_by_id])[0],
        user_prop=UserProp.LEGAL if app.applicant.kind == "enterprise" else UserProp.PERSON)


def _rate_applications(now: dt.datetime, stdout: TextIO | None) -> int:
    """Bulk-rate about 93% of the cases demo's completed applications (channel QR / mobile / PC), rated
    1–48 hours after the last case completed; attribution as `targets.resolve_application` gives it (the
    staff who handled it, from the case events; never the applicant)."""
    rated = set(Rating.objects.filter(target_kind="application").values_list("target_id", flat=True))
    cases: dict[int, list[Case]] = {}
    for c in Case.objects.select_related("department").order_by("id").only(
            "id", "application_id", "status", "completed_at", "department_id", "department__name", "item_id",
            "item_name", "decided_by_id"):
        cases.setdefault(c.application_id, []).append(c)
    events: dict[int, list[tuple[str, int]]] = {}  # the staff who handled each application (one query)
    for app_id, action, actor in (CaseEvent.objects.filter(actor__isnull=False).order_by("at", "id")
                                  .values_list("case__application_id", "action", "actor_id").iterator(chunk_size=5000)):
        events.setdefault(app_id, []).append((action, actor))
    rows: list[Rating] = []
    for app in Application.objects.select_related("applicant").order_by("id").iterator(chunk_size=2000):
        if app.pk in rated:
            continue
        rating = _application_rating(app, cases.get(app.pk, []), events.get(app.pk, []), now)
        if rating is not None:
            rows.append(rating)
    _bulk_rate(rows, "application")
    _say(stdout, f"   ratings: {len(rows)} application ratings")
    return len(rows)


# ---------------------------------------------------------------- bad reviews (through the services)


def _unrated_tickets(**where: Any) -> list[Ticket]:
    return list(Ticket.objects.filter(status="finished", **where)
                .exclude(pk__in=Rating.objects.filter(target_kind="ticket").values("target_id"))
                .order_by("issued_at")[:200])


def _rectify(rec: Rectification, review: dict[str, Any], actor: User, at: dt.datetime, now: dt.datetime) -> None:
    """Take one bad review's record through verify → dispose → (complete) → callback → close."""
    spec = _data("ratings")["bad_reviews"]
    steps: list[tuple[dt.timedelta, Callable[..., Rectification], dict[str, Any]]] = [
        (dt.timedelta(hours=3), rect.rectification_verify, {"note": spec["verify_note"]}),
        (dt.timedelta(hours=5), rect.rectification_dispose,
         {"disposition": review["disposition"], "measures": review["measures"], "workdays": 10}),
    ]
    if review["disposition"] == "fix_deadline":
        steps.append((dt.timedelta(days=6), rect.rectification_complete, {"measures": spec["complete_measures"]}))
    steps += [
        (dt.timedelta(days=7), rect.rectification_callback,
         {"method": "phone" if review["named"] else "anonymous", "outcome": review["callback"]}),
        (dt.timedelta(days=8), rect.rectification_close, {"note": spec["close_note"]}),
    ]
    for delay, step, kwargs in steps:
        with clock.frozen(min(at + delay, now)):
            step(rect_id=rec.pk, actor=actor, **kwargs)


def _bad_reviews(rnd: random.Random, now: dt.datetime, stdout: TextIO | None) -> int:
    """A few bad reviews on the Fu'an HR window, each rated on the counter pad and rectified to the end."""
    spec = _data("ratings")["bad_reviews"]
    if Rating.objects.filter(level__in=list(BAD_LEVELS), is_default=False).exists():
        return 0
    candidates = _unrated_tickets(hall__code__startswith="fuan") or _unrated_tickets()
    actor = User.objects.filter(username="head").first() or User.objects.filter(username="supervisor").first()
    if not candidates or actor is None:
        return 0
    dept = Department.objects.filter(code=spec["department"]).first()
    n = 0
    for review, ticket in zip(spec["reviews"], candidates[:: max(1, len(candidates) // 3)], strict=False):
        target = targets.resolve("ticket", ticket.pk)
        if target is None or target.served_at is None:
            continue
        at = target.served_at + dt.timedelta(minutes=2)
        named = review["named"]
        with clock.frozen(at):
            rating = rating_create(token=RatingToken("ticket", ticket.pk, Channel.HALL_PAD), level=review["level"],
                                   reasons=review["reasons"], text=review["text"], anonymous=not named,
                                   rater_name=spec["rater_name"] if named else "",
                                   rater_phone=f"1385{rnd.randint(1000000, 9999999)}" if named else "")
        rec = rating.rectification
        if rec.department_id is None:  # tickets carry no department: the HR bureau runs the Fu'an window
            Rectification.objects.filter(pk=rec.pk).update(department=dept)
            Rating.objects.filter(pk=rating.pk).update(department=dept)
        _rectify(rec, review, actor, at, now)
        n += 1
    _say(stdout, f"   ratings: {n} bad reviews, all rectified and closed")
    return n


# ---------------------------------------------------------------- suggestions (through the services)


def _unit_worker(department_id: int, staff: dict[int, User], liaison: str) -> User:
    """Who answers for a unit: its first staff member in the demo, else a liaison made for it."""
    worker = staff.get(department_id)
    if worker is None:
        worker, _ = User.objects.get_or_create(username=f"demo_dept_{department_id}")
        Profile.objects.update_or_create(user=worker, defaults={"department_id": department_id,
                                                                "display_name": liaison})
        worker.groups.add(Group.objects.get_or_create(name=Role.REVIEWER.value)[0])
        staff[department_id] = worker
    return worker


def _received_at(rnd: random.Random, i: int, now: dt.datetime) -> dt.datetime:
    spec = _data("suggestions")
    total, start = spec["total"], dt.datetime.combine(spec["since"], dt.time(9, 0), tzinfo=TZ)
    span = (now - dt.timedelta(days=3) - start).total_seconds()
    recent = i >= total - 4
    when = (now - dt.timedelta(days=spec["recent_days"][i - (total - 4)], hours=3)) if recent else \
        start + dt.timedelta(seconds=span * i / total + rnd.randint(0, 86400 * 5))
    return when.astimezone(TZ).replace(hour=rnd.randint(9, 16), minute=rnd.randint(0, 59))


def _receive(rnd: random.Random, i: int, now: dt.datetime, supervisor: User,
             fallback: Department | None) -> tuple[Suggestion, dt.datetime]:
    spec = _data("suggestions")
    cat_code, kind, text, _disposition, _reply = spec["suggestions"][i % len(spec["suggestions"])]
    when = _received_at(rnd, i, now)
    contexts = spec["contexts"]
    data = voice.SuggestionInput(
        category=cat_code, description=text if i < len(spec["suggestions"]) else
        f"{contexts[i % len(contexts)] or '近期'}：{text}", kind=kind,
        channel="cant_do" if cat_code == "cant-do" else spec["channels"][i % len(spec["channels"])],
        citizen_name=rnd.choice(spec["surnames"]) + rnd.choice(["先生", "女士"]),
        phone=f"13{rnd.randint(5, 9)}{rnd.randint(10000000, 99999999)}", received_at=when)
    with clock.frozen(when):
        s = voice.suggestion_submit(data=data, actor=supervisor, idempotency_key=f"demo-suggestion-{i:03d}")
        if s.department_id is None and fallback is not None:
            voice.suggestion_reassign(suggestion_id=s.pk, department_id=fallback.pk, actor=supervisor,
                                      note=spec["reassign_note"])
            s.refresh_from_db()
    return s, when


def _work(rnd: random.Random, s: Suggestion, i: int, received: dt.datetime, worker: User, supervisor: User,
          now: dt.datetime) -> None:
    """The unit answers (within days, now and then late), reports the fix if it promised one, and it is closed;
    the most recent ones are still being worked."""
    spec = _data("suggestions")
    _cat, _kind, _text, disposition, reply = spec["suggestions"][i % len(spec["suggestions"])]
    recent = i >= spec["total"] - 4
    answer_at = received + dt.timedelta(days=rnd.randint(1, 9 if rnd.random() < .9 else 25))
    with clock.frozen(min(answer_at, now)):
        voice.suggestion_answer(suggestion_id=s.pk, actor=worker, disposition=disposition, text=reply,
                                plan_due_on=clock.today() + dt.timedelta(days=30) if disposition == "fix_deadline"
                                else None)
    if disposition == "fix_deadline" and not recent:
        with clock.frozen(min(answer_at + dt.timedelta(days=28), now)):
            voice.suggestion_complete(suggestion_id=s.pk, actor=worker, text=reply + spec["completed_suffix"])
    if not recent:
        with clock.frozen(min(answer_at + dt.timedelta(days=30), now)):
            voice.suggestion_close(suggestion_id=s.pk, actor=supervisor, note=spec["close_note"])


def _suggestions(rnd: random.Random, now: dt.datetime, stdout: TextIO | None) -> int:
    spec = _data("suggestions")
    supervisor = User.objects.filter(username="supervisor").first()
    if supervisor is None:
        return 0
    total = spec["total"]
    staff: dict[int, User] = {}
    for p in Profile.objects.filter(department__isnull=False).select_related("user", "department"):
        assert p.department_id is not None
        staff.setdefault(p.department_id, p.user)
    fallback = (Department.objects.filter(code=_data("categories")["reassign_to"]).first()
                or Department.objects.first())
    created = 0
    for i in range(total):
        if Suggestion.objects.filter(idempotency_key=f"demo-suggestion-{i:03d}").exists():
            continue
        s, received = _receive(rnd, i, now, supervisor, fallback)
        created += 1
        if i >= total - 2 or s.department_id is None:
            continue  # open: one inside its due date, one may be overdue
        _work(rnd, s, i, received, _unit_worker(s.department_id, staff, spec["liaison_name"]), supervisor, now)
    _say(stdout, f"   suggestions: {created} new ({Suggestion.objects.count()} in all)")
    return created


def load(*, scale: int = 0, stdout: TextIO | None = None) -> None:
    rnd = random.Random(20211)
    now = clock.now()
    cats = _categories()
    _say(stdout, f"   feedback: {len(cats)} suggestion categories (Open311 services)")
    _rate_tickets(now, stdout)
    _bad_reviews(rnd, now, stdout)
    _rate_applications(now, stdout)
    # the whole history since 好差评 started (the daily task only looks back DEFAULT_RATING_LOOKBACK_DAYS)
    defaults = rating_default_apply(now=now, since=_since(_data("ratings")["since"]), limit=100000)
    _say(stdout, f"   ratings: {defaults} default ratings (services left unrated for the configured days)")
    _suggestions(rnd, now, stdout)
