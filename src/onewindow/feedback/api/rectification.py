"""Bad-review rectification: the records staff may see, one record with its steps, and the steps themselves
(verify | appeal | review | dispose | complete | callback | close; services.rectification)."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from onewindow.core.access import allow
from onewindow.core.errors import NotFound, ServiceError
from onewindow.feedback.api.common import STAFF
from onewindow.feedback.models import Rectification
from onewindow.feedback.selectors import rectification as selectors
from onewindow.feedback.services.rectification import RECT_STEPS

router = Router()


class RectOut(Schema):
    id: int
    rating_id: int
    level: str
    reasons: list[str]
    text: str
    anonymous: bool
    department_id: int | None
    state: str
    state_label: str
    disposition: str
    due_on: dt.date
    overdue: bool
    measures: str
    callback_method: str
    callback_outcome: str
    opened_at: dt.datetime
    events: list[dict[str, Any]] = []


def _rect_out(rec: Rectification, *, events: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": rec.pk, "rating_id": rec.rating_id, "level": rec.rating.level, "reasons": rec.rating.reasons,
        "text": rec.rating.text, "anonymous": rec.rating.anonymous, "department_id": rec.department_id,
        "state": rec.state, "state_label": str(rec.get_state_display()), "disposition": rec.disposition,
        "due_on": rec.due_on, "overdue": selectors.is_overdue(rec), "measures": rec.measures,
        "callback_method": rec.callback_method, "callback_outcome": rec.callback_outcome, "opened_at": rec.opened_at,
    }
    if events:
        out["events"] = [{"action": e.action, "from": e.from_status, "to": e.to_status, "at": e.at.isoformat(),
                          "note": e.reason} for e in rec.events.all()]
    return out


class RectFilters(Schema):
    state: str = ""
    overdue: bool = False
    open: bool = False


@router.get("/rectifications", response=list[RectOut], summary="Bad-review rectification records")
@allow(*STAFF)
def list_rectifications(request: HttpRequest, q: Query[RectFilters]) -> list[dict[str, Any]]:
    qs = selectors.rectifications_list(user=request.user, state=q.state, overdue_only=q.overdue, open_only=q.open)
    return [_rect_out(r) for r in qs[:1000]]


@router.get("/rectifications/{rect_id}", response=RectOut)
@allow(*STAFF)
def get_rectification(request: HttpRequest, rect_id: int) -> dict[str, Any]:
    rec = selectors.rectification_detail(rect_id)
    if rec is None or not selectors.rectifications_list(user=request.user).filter(pk=rect_id).exists():
        raise NotFound(_("整改单不存在"), field="id")
    return _rect_out(rec, events=True)


class RectActionIn(Schema):
    note: str = ""
    reason: str = ""
    accept: bool | None = None
    disposition: str = ""
    measures: str = ""
    workdays: int | None = None
    method: str = ""
    outcome: str = ""


# what each step takes from the body
STEP_FIELDS = {
    "verify": ("note",),
    "appeal": ("reason",),
    "review": ("accept", "note"),
    "dispose": ("disposition", "measures", "workdays"),
    "complete": ("measures",),
    "callback": ("method", "outcome"),
    "close": ("note",),
}


@router.post("/rectifications/{rect_id}/{action}", response=RectOut,
             summary="verify | appeal | review | dispose | complete | callback | close")
@allow(*STAFF)
def rectification_action(request: HttpRequest, rect_id: int, action: str, payload: RectActionIn) -> dict[str, Any]:
    step = RECT_STEPS.get(action)
    if step is None:
        raise NotFound(_("没有这个操作"), field="action")
    if action == "review" and payload.accept is None:
        raise ServiceError(_("请选择申诉是否成立"), field="accept")
    step(rect_id=rect_id, actor=request.user, **{name: getattr(payload, name) for name in STEP_FIELDS[action]})
    rec = selectors.rectification_detail(rect_id)
    assert rec is not None
    return _rect_out(rec, events=True)
