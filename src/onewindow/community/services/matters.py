"""Residents' matters (居民说事 / 维权 / 法律援助): intake → routed → mediating → resolved → closed.

A matter is routed to the owners' committee, the property company, the community or legal aid; mediation is
logged step by step; it is closed only with the resident's feedback. Every step is one `transition()` with its
MatterLog row.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onewindow.community.models import Compound, Matter, MatterLog
from onewindow.community.services.members import clean_mobile
from onewindow.core import clock
from onewindow.core.actors import Actor
from onewindow.core.counters import counter_next
from onewindow.core.errors import ServiceError
from onewindow.core.events import record_event, transition

S = Matter.Status
MATTER_STEPS: dict[str, tuple[tuple[str, ...], str]] = {
    "route": ((S.RECEIVED, S.ROUTED), S.ROUTED),
    "mediate": ((S.ROUTED, S.MEDIATING), S.MEDIATING),
    "resolve": ((S.ROUTED, S.MEDIATING), S.RESOLVED),
    "close": ((S.RESOLVED,), S.CLOSED),
}
MATTER_ACTION_LABELS = {"route": gettext_lazy("分派"), "mediate": gettext_lazy("记录调解"),
                        "resolve": gettext_lazy("办结"), "close": gettext_lazy("关闭")}


def matter_intake(*, kind: str, compound: Compound, resident_name: str, subject: str, actor: Actor,
                  resident_phone: str = "", description: str = "") -> Matter:
    if kind not in Matter.Kind.values:
        raise ServiceError(_("诉求类型无效"), field="kind")
    if not resident_name.strip():
        raise ServiceError(_("请填写居民姓名"), field="resident_name")
    if not subject.strip():
        raise ServiceError(_("请填写事项"), field="subject")
    phone = clean_mobile(resident_phone, "resident_phone")
    with transaction.atomic():
        today = clock.today()
        n = counter_next(scope="community.matter", day=today)
        matter = Matter.objects.create(number=f"JM{today:%Y%m%d}{n:03d}", kind=kind, compound=compound,
                                       resident_name=resident_name.strip(), resident_phone=phone,
                                       subject=subject.strip()[:100], description=description.strip(),
                                       created_at=clock.now())
        record_event(matter, event_model=MatterLog, action="intake", actor=actor, to_status=S.RECEIVED,
                     correlation=matter.number, at=matter.created_at)
    return matter


def _step(matter: Matter, action: str, actor: Actor, note: str, **changes: Any) -> Matter:
    allowed, to = MATTER_STEPS[action]
    with transaction.atomic():
        return transition(matter, to=to, allowed_from=allowed, action=action,
                          action_label=MATTER_ACTION_LABELS[action], actor=actor, event_model=MatterLog, reason=note,
                          correlation=matter.number, changes=changes, version_field=None, timestamp_field=None)


def matter_route(*, matter: Matter, route: str, actor: Actor, note: str = "") -> Matter:
    if route not in Matter.Route.values:
        raise ServiceError(_("请选择分派对象：业委会、物业、社区或法律援助"), field="route")
    return _step(matter, "route", actor, note or str(Matter.Route(route).label), route=route)


def matter_mediate(*, matter: Matter, note: str, actor: Actor) -> Matter:
    if not note.strip():
        raise ServiceError(_("请填写调解记录"), field="note")
    return _step(matter, "mediate", actor, note)


def matter_resolve(*, matter: Matter, resolution: str, actor: Actor) -> Matter:
    if not resolution.strip():
        raise ServiceError(_("请填写办理结果"), field="resolution")
    return _step(matter, "resolve", actor, resolution, resolution=resolution.strip())


def matter_close(*, matter: Matter, feedback: str, satisfied: bool, actor: Actor) -> Matter:
    """Closed only with the resident's feedback."""
    if not feedback.strip():
        raise ServiceError(_("请填写居民反馈意见"), field="feedback")
    return _step(matter, "close", actor, feedback, feedback=feedback.strip()[:300], satisfied=bool(satisfied),
                 closed_at=clock.now())
