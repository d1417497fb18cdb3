"""Applications brought in by a partner outlet (商事主体登记银行帮代办) or by a hall 帮办 clerk for an elderly
citizen, through the one cases submission service (`cases.services.submission.application_submit`).

    result = outlet_submit(item_code="350206-0105001001", applicant={...}, form={...}, checked_materials=[...],
                           idempotency_key=key, actor=request.user)

Both submit on the window channel (paper seen by the person who took it) and then record, in the same
transaction, an `IntakeChannel` row naming the outlet or the hall, the staff member and — for 帮办 — how and
when the citizen consented and who witnessed it. The hall accepts the cases afterwards, as it does any other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from onewindow.cases.models import Application, Channel
from onewindow.cases.services.submission import SubmitResult, application_submit
from onewindow.cases.services.uploads import Upload
from onewindow.catalog.models import ServiceItem
from onewindow.core import clock
from onewindow.core.access import Role, user_roles
from onewindow.core.actors import Actor, actor_label, actor_user
from onewindow.core.audit import audit_log
from onewindow.core.errors import FieldProblem, Forbidden, ServiceError
from onewindow.hall.models import Hall
from onewindow.intake.access import outlet_of
from onewindow.intake.models import ChannelKind, ConsentMethod, IntakeChannel, Outlet

#: how far back a recorded consent may lie (it is taken when the citizen is at the counter)
CONSENT_MAX_AGE = dt.timedelta(days=7)


def outlet_item(outlet: Outlet, code: str) -> ServiceItem:
    """An item this outlet may take in (its list), published; 400 naming `item` otherwise."""
    item = outlet.items.filter(code=str(code or "")[:36], status="published").first()
    if item is None:
        raise ServiceError(_("本网点不能代收该事项"), field="item")
    return item


def outlet_submit(*, item_code: str, applicant: Mapping[str, Any], form: Mapping[str, Any] | None = None,
                  files: Mapping[str, Upload] | None = None, checked_materials: Iterable[str] = (),
                  idempotency_key: str = "", actor: Actor) -> SubmitResult:
    """Submit a business-registration application at a partner outlet on the hall's behalf."""
    outlet = outlet_of(actor)
    if outlet is None:
        raise Forbidden(_("只有在岗的合作网点人员可以代收申请"), field="outlet")
    item = outlet_item(outlet, item_code)
    with transaction.atomic():
        result = application_submit(actor=actor, channel=Channel.WINDOW, kind="item", code=item.code,
                                    applicant=applicant, form=form, files=files, checked_materials=checked_materials,
                                    idempotency_key=idempotency_key)
        if result.created:
            _record(result.application, kind=ChannelKind.OUTLET, outlet=outlet, hall=outlet.hall, actor=actor)
    return result


def clean_consent(*, method: str, at: dt.datetime | None, witness: str, note: str = "") -> dict[str, Any]:
    """The citizen's consent as recorded fields; every problem at once (400 naming each field)."""
    problems: dict[str, str] = {}
    if method not in ConsentMethod.values:
        problems["consent_method"] = _("请选择本人同意的方式")
    now = clock.now()
    when = at or now
    if when > now + dt.timedelta(minutes=5) or when < now - CONSENT_MAX_AGE:
        problems["consent_at"] = _("同意时间须在最近7天内，且不能晚于现在")
    witness = " ".join(str(witness or "").split())[:50]
    if method in (ConsentMethod.VERBAL_WITNESSED, ConsentMethod.GUARDIAN) and not witness:
        problems["consent_witness"] = _("口头同意或由亲属代为同意时须填写见证人")
    if problems:
        raise ServiceError(_("本人同意记录不完整"), problems=[FieldProblem(f, m) for f, m in problems.items()])
    return {"consent_method": method, "consent_at": when, "consent_witness": witness,
            "consent_note": " ".join(str(note or "").split())[:200]}


def assisted_submit(*, hall: Hall, kind: str = "item", code: str, answers: Mapping[str, Any] | None = None,
                    applicant: Mapping[str, Any], form: Mapping[str, Any] | None = None,
                    files: Mapping[str, Upload] | None = None, checked_materials: Iterable[str] = (),
                    consent_method: str, consent_at: dt.datetime | None = None, consent_witness: str = "",
                    consent_note: str = "", idempotency_key: str = "", actor: Actor) -> SubmitResult:
    """A hall 帮办 clerk submits for an elderly citizen acting on their behalf, with the citizen's consent."""
    if Role.CLERK not in user_roles(actor):
        raise Forbidden(_("只有大厅帮办人员可以代为申请"), field="actor")
    if not hall.active:
        raise ServiceError(_("请选择启用的大厅"), field="hall")
    consent = clean_consent(method=consent_method, at=consent_at, witness=consent_witness, note=consent_note)
    with transaction.atomic():
        result = application_submit(actor=actor, channel=Channel.WINDOW, kind=kind, code=code, answers=answers,
                                    applicant=applicant, form=form, files=files, checked_materials=checked_materials,
                                    idempotency_key=idempotency_key)
        if result.created:
            _record(result.application, kind=ChannelKind.ASSISTED, outlet=None, hall=hall, actor=actor, **consent)
    return result


def _record(application: Application, *, kind: str, outlet: Outlet | None, hall: Hall, actor: Actor,
            **consent: Any) -> IntakeChannel:
    channel = IntakeChannel.objects.create(application=application, kind=kind, outlet=outlet, hall=hall,
                                           staff=actor_user(actor), staff_label=actor_label(actor),
                                           created_at=clock.now(), **consent)
    audit_log(actor=actor, action=f"intake.{kind}_submit", target=application,
              detail={"outlet": outlet.code if outlet else "", "hall": hall.code,
                      "consent_method": consent.get("consent_method", "")})
    return channel
