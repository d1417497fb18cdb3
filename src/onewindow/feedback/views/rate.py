"""The public rating page, reached from the paired counter pad, the ticket's follow page or the applicant's own
pages (links.py). Closed, with the reason, when the link expired or the viewer served the citizen."""

from __future__ import annotations

import contextlib
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from onewindow.core.access import PUBLIC, allow
from onewindow.core.errors import ServiceError
from onewindow.feedback import targets
from onewindow.feedback.links import RatingToken, read_token
from onewindow.feedback.models import BAD_LEVELS, Channel, Level
from onewindow.feedback.reasons import REASON_LEVEL, REASONS
from onewindow.feedback.selectors.ratings import ratings_of_service
from onewindow.feedback.services.ratings import rating_create, rating_next_sequence, rating_refusal


def _level_options() -> list[dict[str, Any]]:
    return [{"value": level.value, "label": level.label, "bad": level.value in BAD_LEVELS,
             "reasons": REASONS[level.value]} for level in Level]


def _posted(request: HttpRequest) -> dict[str, Any]:
    level = request.POST.get("level", "")
    return {
        "level": level,
        # reasons ticked under another level (hidden on the page) are dropped
        "reasons": [c for c in request.POST.getlist("reasons") if REASON_LEVEL.get(c) == level],
        "text": request.POST.get("text", ""),
        "anonymous": request.POST.get("identity", "anonymous") != "named",
        "rater_name": request.POST.get("rater_name", ""),
        "rater_phone": request.POST.get("rater_phone", ""),
    }


def _submit(request: HttpRequest, data: RatingToken, context: dict[str, Any]) -> int:
    """Rate from the form; the page's status (200, or the refusal's) and what the page shows in `context`."""
    values = _posted(request)
    status = 200
    try:
        context["done"] = rating_create(token=data, level=values["level"], reasons=values["reasons"],
                                        text=values["text"], anonymous=values["anonymous"],
                                        rater_name=values["rater_name"], rater_phone=values["rater_phone"],
                                        actor=request.user)
    except ServiceError as exc:
        status = exc.status
        context["values"] = values
        context["errors"] = {p.field or "all": p.message for p in exc.problems}
        if exc.status in (403, 409, 410):  # nothing the citizen can correct on the form
            context["errors"] = {"all": exc.message}
    context["sequence"] = rating_next_sequence(target_kind=data.target_kind, target_id=data.target_id,
                                               channel=data.channel)
    return status


@allow(PUBLIC)
def rate(request: HttpRequest, token: str) -> HttpResponse:
    data = read_token(token)
    target = targets.resolve(data.target_kind, data.target_id) if data is not None else None
    if data is None or target is None:
        return render(request, "feedback/ratings/rate_invalid.html", status=404)
    sequence = rating_next_sequence(target_kind=data.target_kind, target_id=data.target_id, channel=data.channel)
    refused = rating_refusal(token=data, target=target, actor=request.user)
    closed = refused is not None and refused[1] != 409  # expired, or staff: the page is closed
    context: dict[str, Any] = {
        "token": token, "target": target, "channel_label": Channel(data.channel).label, "sequence": sequence,
        "levels": _level_options(), "values": {}, "errors": {}, "done": None, "pad": data.channel == Channel.HALL_PAD,
        # an unfinished service says so below; any other refusal (expired, staff) closes the page
        "refusal": refused[0] if refused is not None and closed else "",
    }
    status = refused[1] if refused is not None and closed and request.method == "POST" else 200
    if request.method == "POST" and sequence is not None and refused is None:
        status = _submit(request, data, context)
    elif request.method == "POST" and not closed:
        status = 409
        context["errors"] = {"all": _("该服务已评价，不能再次评价") if sequence is None
                             else _("该服务尚未办结，办结后才能评价")}
    if data.channel == Channel.HALL_PAD and target.counter_id:
        with contextlib.suppress(NoReverseMatch):
            context["pad_url"] = reverse("hall:pad", kwargs={"counter": target.counter_id})
    context["previous"] = ratings_of_service(data.target_kind, data.target_id)
    return render(request, "feedback/ratings/rate.html", context, status=status)
