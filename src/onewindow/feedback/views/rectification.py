"""Bad-review rectification pages: the worklist (open, overdue, by state) and one record with its steps."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from onewindow.core.access import Role, allow, has_role
from onewindow.core.audit import audit_log
from onewindow.core.errors import ServiceError
from onewindow.core.paging import paginate
from onewindow.feedback.access import can_appeal_rectification, can_work_rectification
from onewindow.feedback.conf import fix_workdays
from onewindow.feedback.models import CallbackMethod, Disposition, Rectification, RectState
from onewindow.feedback.reasons import REASON_LABELS
from onewindow.feedback.selectors.ratings import rater_display
from onewindow.feedback.selectors.rectification import is_overdue, rectification_detail, rectifications_list
from onewindow.feedback.services.rectification import RECT_ACTION_LABELS, RECT_STEPS
from onewindow.feedback.views.common import STAFF, error_dict, event_actor, int_filter


def _reasons(codes: list[str]) -> list[str]:
    return [str(REASON_LABELS.get(c, c)) for c in codes]  # the label people read; the code only if unknown


@allow(*STAFF)
def rectifications(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    view = request.GET.get("view", "open")
    qs = rectifications_list(user=request.user, state=state if state in RectState.values else "",
                             overdue_only=view == "overdue", open_only=view == "open")
    page = paginate(qs, page=request.GET.get("page"), per_page=50)
    rows = [{"rec": rec, "overdue": is_overdue(rec), "reasons": _reasons(rec.rating.reasons)} for rec in page]
    counts = {
        "open": rectifications_list(user=request.user, open_only=True).count(),
        "overdue": rectifications_list(user=request.user, overdue_only=True).count(),
    }
    return render(request, "feedback/rectification/list.html", {
        "page": page, "rows": rows, "view": view, "state": state, "states": RectState.choices, "counts": counts,
        "is_supervisor": has_role(request.user, Role.SUPERVISOR)})


def _step_arguments(action: str, p: QueryDict) -> dict[str, Any] | None:
    """What the form of each step sends, as its service takes it (None for an unknown step)."""
    arguments: dict[str, dict[str, Any]] = {
        "verify": {"note": p.get("note", "")},
        "appeal": {"reason": p.get("reason", "")},
        "review": {"accept": p.get("accept") == "1", "note": p.get("note", "")},
        "dispose": {"disposition": p.get("disposition", ""), "measures": p.get("measures", ""),
                    "workdays": int_filter(p.get("workdays"), "workdays")},
        "complete": {"measures": p.get("measures", "")},
        "callback": {"method": p.get("method", ""), "outcome": p.get("outcome", "")},
        "close": {"note": p.get("note", "")},
    }
    return arguments.get(action)


def _contact(request: HttpRequest, rec: Rectification) -> dict[str, str] | None:
    """The named rater's contact, for the callback: shown (and audited) only when it is due and to who works it."""
    rating = rec.rating
    if rating.anonymous or rec.state != RectState.RECTIFIED or not can_work_rectification(request.user, rec):
        return None
    audit_log(actor=request.user, action="feedback.rater_contact_view", target=rec)
    return {"name": rating.rater_name, "phone": rating.rater_phone}


@allow(*STAFF)
def rectification(request: HttpRequest, rect_id: int) -> HttpResponse:
    if not rectifications_list(user=request.user).filter(pk=rect_id).exists():
        raise Http404
    errors: dict[str, str] = {}
    action = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        step, arguments = RECT_STEPS.get(action), _step_arguments(action, request.POST)
        if step is None or arguments is None:
            errors = {"all": str(_("没有这个操作"))}
        else:
            try:
                moved = step(rect_id=rect_id, actor=request.user, **arguments)
            except ServiceError as exc:
                errors = error_dict(exc)
            else:
                messages.success(request, _("已办理：%(s)s") % {"s": moved.get_state_display()})
                return redirect("feedback:rectification", rect_id=rect_id)
    rec = rectification_detail(rect_id)
    assert rec is not None
    rating = rec.rating
    return render(request, "feedback/rectification/detail.html", {
        "rec": rec, "rating": rating, "overdue": is_overdue(rec), "errors": errors, "action": action,
        "reasons": _reasons(rating.reasons), "contact": _contact(request, rec),
        "can_work": can_work_rectification(request.user, rec), "is_supervisor": has_role(request.user, Role.SUPERVISOR),
        "is_clerk_of": rating.clerk_id == request.user.pk, "dispositions": Disposition.choices,
        "can_appeal": can_appeal_rectification(request.user, rec),
        "methods": CallbackMethod.choices, "fix_workdays": fix_workdays(),
        "events": [{"e": e, "label": RECT_ACTION_LABELS.get(e.action, e.action), "actor": event_actor(e.actor_label)}
                   for e in rec.events.all()],
        "rater": rater_display(rating), "post": request.POST if errors else {}})
