"""Party members' electronic records: creation, report-in (报到), the talent pool (社区民星), service teams.

Report-in is a state (not reported → reported, once, at the home compound's community) and changes through
`transition()`; the other acts on a record change no state and are recorded with `record_event()`. Either way
the member's event table keeps who did what and when.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from onewindow.community.models import CoBuildingUnit, Compound, Member, MemberEvent, Team
from onewindow.community.services.ledger import account_for_member
from onewindow.core import clock
from onewindow.core.actors import Actor
from onewindow.core.errors import Conflict, ServiceError
from onewindow.core.events import record_event, transition
from onewindow.core.validators import validate_mobile


def clean_mobile(phone: str, field: str = "phone") -> str:
    """A mainland mobile number, or '' when none is given; else a 400 naming `field`."""
    if not phone:
        return ""
    try:
        return validate_mobile(phone)
    except ValidationError as exc:
        raise ServiceError(" ".join(str(m) for m in exc.messages), field=field) from None


def member_create(*, name: str, category: str, home_compound: Compound, actor: Actor, phone: str = "",
                  employer: CoBuildingUnit | None = None, skills: str = "", user: User | None = None) -> Member:
    if not name.strip():
        raise ServiceError(_("请填写姓名"), field="name")
    if category not in Member.Category.values:
        raise ServiceError(_("党员类别无效"), field="category")
    if category == Member.Category.IN_SERVICE and employer is None:
        raise ServiceError(_("在职党员须填写工作单位"), field="employer")
    phone = clean_mobile(phone)
    with transaction.atomic():
        member = Member.objects.create(name=name.strip(), category=category, home_compound=home_compound,
                                       phone=phone, employer=employer, skills=skills.strip(), user=user,
                                       created_at=clock.now())
        account_for_member(member)
        record_event(member, event_model=MemberEvent, action="create", actor=actor,
                     to_status=member.report_status)
    return member


def member_report_in(*, member: Member, actor: Actor) -> Member:
    """报到: the member reports in at the community of their home compound (once)."""
    community = member.home_compound.community
    with transaction.atomic():
        return transition(member, to=Member.ReportStatus.REPORTED, allowed_from={Member.ReportStatus.NOT_REPORTED},
                          action="report_in", action_label=_("报到"), actor=actor, event_model=MemberEvent,
                          reason=community.name, state_field="report_status", version_field=None,
                          timestamp_field=None,
                          changes={"reported_at": clock.now(), "reported_community": community})


def member_set_star(*, member: Member, title: str, actor: Actor) -> Member:
    """Add the member to the talent pool (社区民星) with a title, or remove them (empty title)."""
    with transaction.atomic():
        member.is_star = bool(title.strip())
        member.star_title = title.strip()[:60]
        member.save(update_fields=["is_star", "star_title"])
        record_event(member, event_model=MemberEvent, action="star" if member.is_star else "unstar", actor=actor,
                     reason=member.star_title)
    return member


def team_join(*, team: Team, member: Member, actor: Actor) -> Team:
    with transaction.atomic():
        if team.members.filter(pk=member.pk).exists():
            raise Conflict(_("%(m)s 已是“%(t)s”队员") % {"m": member.name, "t": team.name}, field="team")
        team.members.add(member)
        record_event(member, event_model=MemberEvent, action="join_team", actor=actor, reason=team.name,
                     data={"team": team.pk})
    return team
