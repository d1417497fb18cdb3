"""Huli's enterprise services as told by the seed: the policy fulfilment window (Sept 2020), the enterprise growth
classes (first in the city, May 2019) and the province's first pharmacy comprehensive licence (一业一证, 2021).

The data is in data/enterprise/ (enterprises.yaml, policies.yaml, classes.yaml, licences.yaml); the seed names
the practices and their dates, the rest is marked illustrative there. Everything is played through the
enterprise services at its own (frozen) time and by the login that would do it — the enterprise's own account
or the window clerk files, the issuing department's reviewer decides and pays, the door signs in by the seat's
QR token — so every record has the events and audit entries a real one has, and every figure on the pages is
counted from these records.

Idempotent: a second run finds the first policy and only re-links the logins.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils import timezone

from onewindow.catalog.models import Department
from onewindow.core import clock
from onewindow.core.access import Role
from onewindow.core.checks import DEMO_PASSWORD
from onewindow.core.models import Profile
from onewindow.enterprise.models import (
    ClassRegistration,
    ClassSession,
    Enterprise,
    IndustryLicence,
    Policy,
    PolicyApplication,
)
from onewindow.enterprise.services import classes, enterprises, licences, policies

DATA_DIR = Path(__file__).resolve().parent / "data" / "enterprise"
REVIEWER_BY_DEPARTMENT = {"HL-SCJ": "reviewer_market"}  # the rest come from policies.yaml `reviewers`


@cache
def data(name: str) -> dict[str, Any]:
    with (DATA_DIR / f"{name}.yaml").open(encoding="utf-8") as f:
        loaded: dict[str, Any] = yaml.safe_load(f)
    return loaded


def _at(value: Any) -> dt.datetime:
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _department(code: str) -> Department:
    return Department.objects.get(code=code)


def _user(username: str, display_name: str, role: str, department: Department | None = None,
          usable: bool = True) -> User:
    user, created = User.objects.get_or_create(username=username)
    if created:
        if usable:
            user.set_password(DEMO_PASSWORD)
        else:
            user.set_unusable_password()
        user.save()
    group, _ = Group.objects.get_or_create(name=str(role))
    user.groups.add(group)
    Profile.objects.update_or_create(user=user, defaults={"display_name": display_name, "department": department})
    return user


def _reviewers() -> dict[str, User]:
    by_department = {code: User.objects.get(username=name) for code, name in REVIEWER_BY_DEPARTMENT.items()
                     if User.objects.filter(username=name).exists()}
    for row in data("policies")["reviewers"]:
        by_department[row["department"]] = _user(row["username"], row["display_name"], Role.REVIEWER,
                                                 _department(row["department"]))
    return by_department


def _enterprises() -> dict[str, tuple[Enterprise, User]]:
    """Every demo enterprise with the account that acts for it (a demo login, or an account of its own that
    cannot sign in)."""
    out: dict[str, tuple[Enterprise, User]] = {}
    for row in data("enterprises")["enterprises"]:
        if row.get("login"):
            owner = User.objects.get(username=row["login"])
        else:
            owner = _user(f"enterprise_{row['key']}", row["name"], Role.CITIZEN, usable=False)
        founded = row["founded_on"]
        with clock.frozen(_at(dt.datetime.combine(founded, dt.time(9)))):
            enterprise = enterprises.enterprise_register(
                credit_code=row["credit_code"], name=row["name"], name_en=row.get("name_en", ""),
                registered_capital=row["registered_capital"], industry=row["industry"], founded_on=founded,
                declared_employees=row["declared_employees"], user=owner, actor=owner)
        for filing in row.get("hiring", []):
            with clock.frozen(_at(dt.datetime.combine(filing["filed_on"], dt.time(10)))):
                enterprises.hiring_record_file(enterprise=enterprise, filed_on=filing["filed_on"],
                                               hired=filing["hired"], left=filing["left"],
                                               reference=filing["reference"], actor=None)
        out[row["key"]] = (enterprise, owner)
    return out


def _policies(clerk: User) -> dict[str, Policy]:
    out = {}
    for row in data("policies")["policies"]:
        with clock.frozen(_at(dt.datetime.combine(row["opens_on"], dt.time(8)) - dt.timedelta(days=7))):
            out[row["code"]] = policies.policy_save(
                code=row["code"], title=row["title"], title_en=row.get("title_en", ""),
                department=_department(row["department"]), basis=row["basis"], summary=row.get("summary", ""),
                rules_json=row.get("rules", []), amount_fixed=row.get("amount_fixed", 0),
                amount_per_employee=row.get("amount_per_employee", 0), amount_cap=row.get("amount_cap"),
                opens_on=row["opens_on"], closes_on=row["closes_on"], review_workdays=row["review_workdays"],
                materials=row.get("materials", []), actor=clerk)
    return out


def _applications(firms: dict[str, tuple[Enterprise, User]], by_code: dict[str, Policy], clerk: User,
                  reviewers: dict[str, User]) -> None:
    for row in data("policies")["applications"]:
        enterprise, owner = firms[row["enterprise"]]
        policy = by_code[row["policy"]]
        with clock.frozen(_at(row["filed"])):
            application = policies.application_submit(policy=policy, enterprise=enterprise,
                                                      actor=owner if row["by"] == "citizen" else clerk)
        reviewer = reviewers[policy.department.code]
        if decision := row.get("decide"):
            with clock.frozen(_at(decision["at"])):
                application = policies.application_decide(application=application, approve=decision["approve"],
                                                          note=decision.get("note", ""), actor=reviewer)
        if payment := row.get("pay"):
            with clock.frozen(_at(dt.datetime.combine(payment["paid_on"], dt.time(10)))):
                policies.application_pay(application=application, amount=application.amount_approved,
                                         paid_on=payment["paid_on"], reference=payment["reference"], actor=reviewer)


def _session_times(row: dict[str, Any]) -> tuple[dt.datetime, dt.datetime]:
    if "days_ahead" in row:
        day = clock.today() + dt.timedelta(days=row["days_ahead"])
        starts = _at(dt.datetime.combine(day, dt.time(14, 30)))
    else:
        starts = _at(row["starts"])
    return starts, starts + dt.timedelta(hours=row["hours"])


def _classes(firms: dict[str, tuple[Enterprise, User]], clerk: User) -> None:
    place = data("classes")["place"]
    for row in data("classes")["sessions"]:
        starts, ends = _session_times(row)
        upcoming = "days_ahead" in row
        opened = clock.now() if upcoming else starts - dt.timedelta(days=14)
        with clock.frozen(opened):
            session = classes.session_create(topic=row["topic"], title=row["title"], title_en=row.get("title_en", ""),
                                             speaker_department=_department(row["department"]), place=place,
                                             starts_at=starts, ends_at=ends, capacity=row["capacity"], actor=clerk)
        seats: dict[str, ClassRegistration] = {}
        for i, key in enumerate(row.get("signups", [])):
            enterprise, owner = firms[key]
            moment = (clock.now() if upcoming else starts - dt.timedelta(days=10)) + dt.timedelta(minutes=i)
            with clock.frozen(moment):
                seats[key] = classes.class_sign_up(session=session, enterprise=enterprise, actor=owner)
        for key in row.get("cancel", []):
            with clock.frozen(starts - dt.timedelta(days=2)):
                classes.registration_cancel(registration=seats[key], actor=firms[key][1])
        for i, key in enumerate(row.get("attended", [])):
            seats[key].refresh_from_db()
            with clock.frozen(starts - dt.timedelta(minutes=15) + dt.timedelta(minutes=i)):
                classes.attendance_check_in(token=classes.checkin_token(seats[key]), actor=clerk)
        for key, score in row.get("feedback", {}).items():
            seats[key].refresh_from_db()
            with clock.frozen(ends + dt.timedelta(hours=1)):
                classes.feedback_give(registration=seats[key], score=score, comment="", actor=firms[key][1])


def _licences(firms: dict[str, tuple[Enterprise, User]], clerk: User) -> None:
    for row in data("licences")["licences"]:
        permits = [licences.PermitIn(name=p["name"], name_en=p.get("name_en", ""), number=str(p["number"]),
                                     department=_department(p["department"]), valid_from=p["valid_from"],
                                     valid_until=p.get("valid_until")) for p in row["permits"]]
        with clock.frozen(_at(dt.datetime.combine(row["issued_on"], dt.time(10)))):
            licences.licence_issue(enterprise=firms[row["enterprise"]][0], industry=row["industry"],
                                   title=row["title"], title_en=row.get("title_en", ""), number=str(row["number"]),
                                   department=_department(row["department"]), permits=permits,
                                   issued_on=row["issued_on"], first_in_province=row.get("first_in_province", False),
                                   actor=clerk)


def load(*, scale: int = 0, stdout: Any = None) -> None:
    def say(text: str) -> None:
        if stdout is not None:
            stdout.write(text)

    reviewers = _reviewers()
    first_policy = data("policies")["policies"][0]["code"]
    if Policy.objects.filter(code=first_policy).exists():
        say("   enterprise demo already loaded")
        return
    clerk = User.objects.get(username="clerk")
    with transaction.atomic():
        firms = _enterprises()
        by_code = _policies(clerk)
        _applications(firms, by_code, clerk, reviewers)
        _classes(firms, clerk)
        _licences(firms, clerk)
    say(f"   Huli enterprises: {Enterprise.objects.count()} enterprises, {Policy.objects.count()} policies, "
        f"{PolicyApplication.objects.filter(status=PolicyApplication.Status.PAID).count()} claims paid, "
        f"{ClassSession.objects.count()} growth classes, {IndustryLicence.objects.count()} industry licence(s)")
