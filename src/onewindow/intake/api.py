"""Intake's JSON API (/api/v1/intake/…): outlet submissions and their list, 帮办 submissions, the outlet figures,
an application's custody and its moves, and the locker terminal (a paired device, `X-Locker-Device` header)."""

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from onewindow.cases.services.submission import SubmitResult
from onewindow.core import clock
from onewindow.core.access import PUBLIC, SIGNED_IN, Role, allow
from onewindow.core.errors import Forbidden, NotFound
from onewindow.core.inputs import date_param
from onewindow.core.masking import mask_name
from onewindow.core.security import rate_limit
from onewindow.hall.models import Hall
from onewindow.intake import conf, selectors
from onewindow.intake.access import can_see_custody, outlet_of
from onewindow.intake.models import Custody, Locker
from onewindow.intake.services import channels
from onewindow.intake.services import custody as services
from onewindow.intake.services import lockers as locker_services

router = Router()


class SubmissionIn(Schema):
    item: str
    applicant: dict[str, Any]
    form: dict[str, Any] = {}
    checked_materials: list[str] = []
    idempotency_key: str = ""


class AssistedIn(SubmissionIn):
    hall: str
    consent_method: str
    consent_at: dt.datetime | None = None
    consent_witness: str = ""
    consent_note: str = ""


class LockerIn(Schema):
    locker: str


class CustodyActionIn(Schema):
    tracking_number: str = ""
    reason: str = ""


class PairIn(Schema):
    code: str
    label: str = ""


class OpenIn(Schema):
    application: str
    code: str


def _submitted(result: SubmitResult) -> Status:
    app = result.application
    body = {"number": app.number, "name": app.name, "status": app.status, "created": result.created,
            "cases": [{"number": c.number, "status": c.status} for c in result.cases]}
    return Status(201 if result.created else 200, body)


def _application_row(app: Any) -> dict[str, Any]:
    channel = app.intake_channel
    return {"number": app.number, "name": app.name, "applicant": mask_name(app.applicant.name),
            "submitted_at": app.submitted_at.isoformat(), "status": app.status, "staff": channel.staff_label}


@router.get("outlet/applications", summary="本网点代收的申请")
@allow(Role.OUTLET_STAFF)
def outlet_applications(request: HttpRequest, page: int = 1) -> dict[str, Any]:
    outlet = outlet_of(request.user)
    if outlet is None:  # an account not (yet) placed at an outlet sees nothing
        return {"outlet": None, "count": 0, "page": 1, "results": []}
    apps = selectors.outlet_applications(outlet)
    page = max(1, min(page, 10_000))
    listed = list(apps[(page - 1) * 50: page * 50])
    return {"outlet": outlet.code, "count": apps.count(), "page": page,
            "results": [_application_row(a) for a in listed]}


@router.post("outlet/applications", response={201: dict, 200: dict}, summary="网点代收商事登记申请")
@allow(Role.OUTLET_STAFF)
def outlet_submit(request: HttpRequest, payload: SubmissionIn) -> Status:
    return _submitted(channels.outlet_submit(
        item_code=payload.item, applicant=payload.applicant, form=payload.form,
        checked_materials=payload.checked_materials, idempotency_key=payload.idempotency_key, actor=request.user))


@router.post("assisted/applications", response={201: dict, 200: dict}, summary="大厅帮办代为申请（须本人同意）")
@allow(Role.CLERK)
def assisted_submit(request: HttpRequest, payload: AssistedIn) -> Status:
    hall = Hall.objects.filter(code=payload.hall[:40], active=True).first()
    if hall is None:
        raise NotFound(_("请选择大厅"), field="hall")
    return _submitted(channels.assisted_submit(
        hall=hall, code=payload.item, applicant=payload.applicant, form=payload.form,
        checked_materials=payload.checked_materials, consent_method=payload.consent_method,
        consent_at=payload.consent_at, consent_witness=payload.consent_witness, consent_note=payload.consent_note,
        idempotency_key=payload.idempotency_key, actor=request.user))


@router.get("outlets/figures", summary="合作网点与帮办统计：件量、退件率、受理用时中位数")
@allow(Role.SUPERVISOR)
def outlet_figures(request: HttpRequest, since: str = "", until: str = "") -> dict[str, Any]:
    end = date_param(until, "until", default=clock.today()) or clock.today()
    start = date_param(since, "since", default=end - dt.timedelta(days=365))
    return {"since": start.isoformat() if start else None, "until": end.isoformat(),
            "outlets": [row.as_dict() for row in selectors.outlet_figures(since=start, until=end)]}


# --------------------------------------------------------------------------- custody


def custody_dict(item: Custody) -> dict[str, Any]:
    return {"number": item.number, "kind": item.kind, "status": item.status,
            "locker": item.locker.code if item.locker else None, "compartment": item.compartment,
            "code_expires_at": item.code_expires_at.isoformat() if item.code_expires_at else None,
            "tracking_number": item.tracking_number,
            "events": [{"at": e.at.isoformat(), "action": e.action, "from": e.from_status, "to": e.to_status,
                        "by": e.actor_label} for e in item.events.all()]}


@router.get("applications/{number}/custody", summary="申请的材料流转（投递、取件、信封）")
@allow(SIGNED_IN)
def application_custody(request: HttpRequest, number: str) -> dict[str, Any]:
    app = selectors.custody_application(request.user, number)
    return {"application": app.number, "items": [custody_dict(i) for i in selectors.custody_of(app)]}


def _locker(code: str) -> Locker | None:
    return Locker.objects.filter(code=code[:40], active=True).first()


@router.post("applications/{number}/drops", response={201: dict}, summary="预约自助柜投递，返回一次性投递码")
@allow(SIGNED_IN)
def book_drop(request: HttpRequest, number: str, payload: LockerIn) -> Status:
    app = selectors.custody_application(request.user, number)
    item, code = services.custody_book_drop(application=app, locker=_locker(payload.locker), actor=request.user)
    return Status(201, {**custody_dict(item), "code": code})


@router.post("applications/{number}/results", response={201: dict}, summary="窗口将结果放入自助柜")
@allow(Role.CLERK)
def place_result(request: HttpRequest, number: str, payload: LockerIn) -> Status:
    app = selectors.custody_application(request.user, number)
    item = services.custody_place_result(application=app, locker=_locker(payload.locker), actor=request.user)
    return Status(201, custody_dict(item))


@router.post("applications/{number}/envelopes", response={201: dict}, summary="申领免跑腿信封")
@allow(SIGNED_IN)
def request_envelope(request: HttpRequest, number: str) -> Status:
    app = selectors.custody_application(request.user, number)
    return Status(201, custody_dict(services.custody_request_envelope(application=app, actor=request.user)))


@router.post("custody/{number}/{action}", summary="取件 collect / 签收 receive / 寄出 mail / 取消 cancel / 取件码 issue_code")
@allow(SIGNED_IN)
def custody_action(request: HttpRequest, number: str, action: str, payload: CustodyActionIn) -> dict[str, Any]:
    try:
        item = selectors.custody_item(number)
    except Http404:
        raise NotFound(_("未找到该材料流转记录"), field="number") from None
    if not can_see_custody(request.user, item.application):
        raise NotFound(_("未找到该材料流转记录"), field="number")
    user = request.user
    if action == "issue_code":
        code = services.custody_issue_code(custody=item, actor=user)
        item.refresh_from_db()
        return {**custody_dict(item), "code": code}
    if action == "collect":
        item = services.custody_collect(custody=item, actor=user)
    elif action == "receive":
        item = services.custody_receive(custody=item, tracking_number=payload.tracking_number, actor=user)
    elif action == "mail":
        item = services.custody_mail(custody=item, tracking_number=payload.tracking_number, actor=user)
    elif action == "cancel":
        item = services.custody_cancel(custody=item, reason=payload.reason, actor=user)
    else:
        raise NotFound(_("未知操作"), field="action")
    return custody_dict(item)


# --------------------------------------------------------------------------- the locker terminal


@router.post("terminal/pair", response={201: dict}, summary="文件柜终端配对（一次性配对码）")
@allow(PUBLIC)
def terminal_pair(request: HttpRequest, payload: PairIn) -> Status:
    rate_limit(request, scope="intake.terminal_pair", limit=20, per_seconds=3600)
    device, secret = locker_services.locker_pair(code=payload.code, label=payload.label)
    return Status(201, {"locker": device.locker.code, "device": device.pk, "secret": secret,
                        "expires_at": device.expires_at.isoformat()})


@router.post("terminal/open", summary="文件柜终端：凭申请编号和取件码开格（投递或领取）")
@allow(PUBLIC)
def terminal_open(request: HttpRequest, payload: OpenIn) -> dict[str, Any]:
    device = locker_services.locker_device_for(request.META.get(locker_services.DEVICE_HEADER))
    if device is None:
        raise Forbidden(_("未配对的文件柜终端"), field="device")
    limit = conf.terminal_attempts_per_hour()
    rate_limit(request, scope="intake.terminal_open", limit=limit * 20, per_seconds=3600,
               keys={f"intake.app:{payload.application[:20]}": limit, f"intake.device:{device.pk}": limit * 20})
    item = services.locker_open(device=device, application_number=payload.application, code=payload.code)
    return {"locker": device.locker.code, "compartment": item.compartment, "kind": item.kind, "status": item.status,
            "custody": item.number}
