"""Outlet figures for the supervision area: volume, returns for materials, median time to acceptance."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from onewindow.core import clock
from onewindow.core.access import Role, allow
from onewindow.core.inputs import date_param
from onewindow.intake import selectors


@allow(Role.SUPERVISOR)
def outlet_figures(request: HttpRequest) -> HttpResponse:
    until = date_param(request.GET.get("until"), "until", default=clock.today())
    since = date_param(request.GET.get("since"), "since", default=(until or clock.today()) - dt.timedelta(days=365))
    rows = selectors.outlet_figures(since=since, until=until)
    return render(request, "intake/figures.html", {"rows": rows, "since": since, "until": until})
