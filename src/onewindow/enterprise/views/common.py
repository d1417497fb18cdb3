"""What the enterprise pages share: run a service from a form (messages, redirect back) and read form values."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from onewindow.core.errors import ServiceError
from onewindow.core.inputs import date_param, int_param


def back(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or default
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def run(request: HttpRequest, action: Callable[[], Any], success: str | Callable[[Any], str], default: str,
        then: Callable[[Any], str] | None = None) -> HttpResponse:
    """Run a service call; on ServiceError show every problem and change nothing, then go back to the form
    (or, on success, to `then(result)` when given)."""
    try:
        result = action()
    except ServiceError as exc:
        details = [p.message for p in exc.problems if p.message and p.message != exc.message]
        messages.error(request, exc.message + (("：" + "；".join(details[:20])) if details else ""))
        return HttpResponseRedirect(back(request, default))
    messages.success(request, success(result) if callable(success) else success)
    return HttpResponseRedirect(then(result) if then else back(request, default))


def int_value(value: str | None, field: str) -> int:
    text = (value or "").strip()
    if not text.lstrip("-").isdigit():
        raise ServiceError(_("请填写整数"), field=field)
    return int_param(text, field, lo=0) or 0


def date_value(value: str | None, field: str) -> dt.date:
    day = date_param((value or "").strip(), field)
    if day is None:
        raise ServiceError(_("请填写有效日期（年-月-日）"), field=field)
    return day


def datetime_value(value: str | None, field: str) -> dt.datetime:
    from django.utils import timezone

    try:
        parsed = dt.datetime.fromisoformat((value or "").strip())
    except ValueError:
        raise ServiceError(_("请填写有效时间"), field=field) from None
    if not 2000 <= parsed.year <= 2999:
        raise ServiceError(_("请填写有效时间"), field=field)
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed
