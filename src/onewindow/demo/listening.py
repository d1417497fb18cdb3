"""Listening demo (听民声, Huli): citizens' forums, experience officers with their sessions, leader reception days
(past ones attended, upcoming ones with free places) and the 2019 评立改 third-party "蹲守" visits.

What it holds is data (data/listening/*.yaml); this module plays it through listening's services (which route the
issues through feedback's and record the visits through supervision's), each act at its own frozen time. Every
issue routed here is dated 2019–2020, so the feedback demo's count of suggestions since 2021 is unchanged.
Each issue is then worked through feedback's services as the feedback demo works its suggestions: one no
routing rule places is sent by the supervisor to the unit the feedback demo names for that, the unit answers
(data/listening/answers.yaml) and the supervisor closes it. Idempotent: each record is keyed, and a key already used is skipped.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any, TextIO

import yaml
from django.contrib.auth.models import Group, User
from django.db import transaction

from onewindow.catalog.models import Department
from onewindow.core import clock
from onewindow.core.access import Role
from onewindow.core.models import Profile
from onewindow.feedback.models import Suggestion, SuggestionState
from onewindow.feedback.services.suggestions import suggestion_answer, suggestion_close, suggestion_reassign
from onewindow.hall.models import Hall
from onewindow.listening.models import (
    Booking,
    ExperienceSession,
    Forum,
    ListeningFinding,
    MysteryVisit,
    Officer,
    ReceptionDay,
)
from onewindow.listening.services import mystery, reception, voice
from onewindow.supervision.models import Finding, FindingState
from onewindow.supervision.services.findings import finding_resolve

DATA_DIR = Path(__file__).resolve().parent / "data" / "listening"
TZ = dt.timezone(dt.timedelta(hours=8))


@cache
def _data(name: str) -> Any:
    return yaml.safe_load((DATA_DIR / f"{name}.yaml").read_text(encoding="utf-8"))


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=TZ)


def _fallback() -> Department | None:
    code = yaml.safe_load((DATA_DIR.parent / "feedback" / "categories.yaml").read_text(encoding="utf-8"))
    return Department.objects.filter(code=code.get("reassign_to", "")).first()


def _unit_worker(department_id: int) -> User:
    """Who answers for a unit: its first member of staff in the demo, else the liaison the feedback demo makes."""
    profile = Profile.objects.filter(department_id=department_id).select_related("user").order_by("id").first()
    if profile is not None:
        return profile.user
    worker, _ = User.objects.get_or_create(username=f"demo_dept_{department_id}")
    Profile.objects.update_or_create(user=worker, defaults={"department_id": department_id,
                                                            "display_name": _data("answers")["liaison_name"]})
    worker.groups.add(Group.objects.get_or_create(name=Role.REVIEWER.value)[0])
    return worker


def _route_rest(findings: list[ListeningFinding], supervisor: User) -> None:
    """Each routed issue is worked as the feedback demo works suggestions: one no rule placed is assigned by the
    supervisor (feedback's reassign), the unit answers, the supervisor closes it (feedback's services)."""
    fallback = _fallback()
    answers = _data("answers")
    for f in findings:
        s = Suggestion.objects.get(pk=f.suggestion_id)
        if s.department_id is None and fallback is not None:
            with clock.frozen(s.received_at + dt.timedelta(hours=2)):
                suggestion_reassign(suggestion_id=s.pk, department_id=fallback.pk, actor=supervisor,
                                    note="听民声问题分派")
            s.refresh_from_db()
        if s.department_id is None or s.state != SuggestionState.ASSIGNED:
            continue
        disposition, reply = answers["by_category"].get(s.category.code, ["explain", "已研究并答复。"])
        answered = s.received_at + dt.timedelta(days=answers["answer_days"])
        with clock.frozen(answered):
            suggestion_answer(suggestion_id=s.pk, actor=_unit_worker(s.department_id), disposition=disposition,
                              text=reply)
        with clock.frozen(answered + dt.timedelta(days=answers["close_days"])):
            suggestion_close(suggestion_id=s.pk, actor=supervisor, note="听民声问题已整改答复")


def _forums(hall: Hall, supervisor: User) -> int:
    made = 0
    for spec in _data("forums")["forums"]:
        if Forum.objects.filter(idempotency_key=spec["key"]).exists():
            continue
        host = Department.objects.get(code=spec["host"])
        with clock.frozen(_at(spec["held_on"], 17)):
            forum, _ = voice.forum_create(hall_id=hall.pk, held_on=spec["held_on"], topic=spec["topic"],
                                          department_id=host.pk, participants=spec["participants"],
                                          minutes=spec["minutes"], actor=supervisor, idempotency_key=spec["key"])
            found = [voice.forum_add_finding(forum_id=forum.pk, issue=voice.IssueInput(cat, text), actor=supervisor,
                                             idempotency_key=f"{spec['key']}#{n}")[0]
                     for n, (cat, text) in enumerate(spec["findings"], 1)]
        _route_rest(found, supervisor)
        made += 1
    return made


def _citizen(username: str, name: str) -> User:
    user, created = User.objects.get_or_create(username=username)
    if created:
        user.set_unusable_password()
        user.save()
        user.groups.add(Group.objects.get_or_create(name=Role.CITIZEN.value)[0])
        Profile.objects.update_or_create(user=user, defaults={"display_name": name})
    return user


def _officers(hall: Hall, supervisor: User) -> int:
    made = 0
    for spec in _data("officers")["officers"]:
        officer = Officer.objects.filter(name=spec["name"], hall=hall).first()
        if officer is None:
            login = spec.get("login") or ""
            if login and not User.objects.filter(username=login).exists():
                login = ""
            with clock.frozen(_at(spec["enrolled_on"], 9)):
                officer = voice.officer_enrol(name=spec["name"], hall_id=hall.pk, enrolled_on=spec["enrolled_on"],
                                              username=login, actor=supervisor)
        for s in spec["sessions"]:
            if ExperienceSession.objects.filter(idempotency_key=s["key"]).exists():
                continue
            actor = officer.user if officer.user is not None else supervisor
            with clock.frozen(_at(s["held_on"], 16)):
                session, _ = voice.session_submit(
                    hall_id=hall.pk, service=s["service"], held_on=s["held_on"], note=s["note"],
                    issues=[voice.IssueInput(cat, text) for cat, text in s["findings"]],
                    officer_id=None if officer.user is not None else officer.pk, actor=actor,
                    idempotency_key=s["key"])
            _route_rest(list(session.findings.all()), supervisor)
            made += 1
    return made


def _day(spec: dict[str, Any], held_on: dt.date, hall: Hall, supervisor: User, *, past: bool) -> ReceptionDay:
    slots = [reception.SlotInput(dt.time.fromisoformat(a), dt.time.fromisoformat(b), n)
             for a, b, n in _data("reception")["slots"]]
    published = _at(held_on - dt.timedelta(days=10), 9) if past else clock.now()
    with clock.frozen(published):
        day, _ = reception.day_publish(hall_id=hall.pk, held_on=held_on, leader_title=spec["leader_title"],
                                       department_id=Department.objects.get(code=spec["department"]).pk,
                                       slots=slots, actor=supervisor, idempotency_key=spec["key"], allow_past=past)
    return day


def _reception(hall: Hall, supervisor: User, clerk: User) -> int:
    data = _data("reception")
    citizens = [User.objects.get(username="citizen") if n == 0 and User.objects.filter(username="citizen").exists()
                else _citizen(f"demo_citizen_{n}", name) for n, name in enumerate(data["citizens"])]
    made = 0
    for spec in data["past"]:
        if ReceptionDay.objects.filter(idempotency_key=spec["key"]).exists():
            continue
        day = _day(spec, spec["held_on"], hall, supervisor, past=True)
        slots = list(day.slots.order_by("starts_at"))
        found = []
        for who, slot_n, attended, category, issue in spec["bookings"]:
            with clock.frozen(_at(spec["held_on"] - dt.timedelta(days=5), 11)):
                booking, _ = reception.booking_create(slot_id=slots[slot_n].pk, actor=citizens[who],
                                                      idempotency_key=f"{spec['key']}-{who}", allow_past=True)
            with clock.frozen(_at(spec["held_on"], 12)):
                reception.booking_mark(booking_id=booking.pk, attended=attended, actor=clerk)
                if attended and issue:
                    found.append(reception.booking_route_issue(booking_id=booking.pk, category=category, text=issue,
                                                               actor=clerk, idempotency_key=f"{spec['key']}-{who}")[0])
        _route_rest(found, supervisor)
        made += 1
    for spec in data["upcoming"]:
        if ReceptionDay.objects.filter(idempotency_key=spec["key"]).exists():
            continue
        day = _day(spec, clock.today() + dt.timedelta(days=spec["days_ahead"]), hall, supervisor, past=False)
        slots = list(day.slots.order_by("starts_at"))
        for who, slot_n in spec["bookings"]:
            reception.booking_create(slot_id=slots[slot_n].pk, actor=citizens[who],
                                     idempotency_key=f"{spec['key']}-{who}")
        made += 1
    return made


def _mystery(hall: Hall, supervisor: User) -> int:
    data = _data("mystery")
    spec = data["agency"]
    with clock.frozen(_at(spec["contract_start"], 9)):
        agency, _ = mystery.agency_save(name=spec["name"], contract_start=spec["contract_start"],
                                        contract_end=spec["contract_end"], actor=supervisor)
    made = 0
    for v in data["visits"]:
        if MysteryVisit.objects.filter(idempotency_key=v["key"]).exists():
            continue
        with clock.frozen(_at(v["covert_to"], 17)):
            visit, _ = mystery.visit_record(
                agency_id=agency.pk, hall_id=hall.pk, covert_from=v["covert_from"], covert_to=v["covert_to"],
                results=[mystery.PointResult(code, False, note) for code, note in v["failed"].items()],
                actor=supervisor, idempotency_key=v["key"])
        with clock.frozen(_at(v["resolved_on"], 10)), transaction.atomic():
            for f in Finding.objects.filter(inspection_result__inspection_id=visit.inspection_id,
                                            state=FindingState.OPEN):
                finding_resolve(finding=f, reason=v["rule"], actor=supervisor, correlation=visit.inspection.number)
        made += 1
    return made


def load(*, scale: int = 0, stdout: TextIO | None = None) -> None:
    hall = Hall.objects.filter(code=_data("forums")["hall"]).first()
    supervisor = User.objects.filter(username="supervisor").first()
    clerk = User.objects.filter(username="clerk").first()
    if hall is None or supervisor is None or clerk is None:
        return
    since_2021 = Suggestion.objects.filter(received_at__gte=_at(dt.date(2021, 1, 1), 0)).count()
    counts = (_forums(hall, supervisor), _officers(hall, supervisor), _reception(hall, supervisor, clerk),
              _mystery(hall, supervisor))
    after = Suggestion.objects.filter(received_at__gte=_at(dt.date(2021, 1, 1), 0)).count()
    assert after == since_2021, "the listening demo must not add suggestions since 2021"
    if stdout is not None:
        stdout.write(f"   listening: {counts[0]} forums, {counts[1]} experience sessions, {counts[2]} reception days, "
                     f"{counts[3]} 蹲守 visits new ({ListeningFinding.objects.count()} findings routed, "
                     f"{Booking.objects.count()} bookings)")
