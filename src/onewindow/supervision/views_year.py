"""The year of supervision page (年度常态化监管): notices issued and monitoring coverage of a year for a region,
each figure with its formula (supervision.yearly). Thin: one selector call."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from onewindow.core import clock
from onewindow.core.access import Role, allow
from onewindow.core.inputs import int_param
from onewindow.supervision import selectors, yearly


@allow(Role.SUPERVISOR)
def year(request: HttpRequest) -> HttpResponse:
    """?year=2021&region=350206 (a region outside the user's scope is a 404; default: their own scope)."""
    today = clock.today()
    wanted = int_param(request.GET.get("year"), "year", default=today.year, lo=2000, hi=today.year) or today.year
    allowed, region = selectors.scope_region(request.user, request.GET.get("region", ""))
    if not allowed:
        raise Http404
    figures = yearly.year_figures(year=wanted, region=region)
    return render(request, "supervision/year.html", {
        "f": figures, "n": figures["notices"], "m": figures["monitoring"], "scope": region,
        "formulas": yearly.FORMULAS, "years": range(today.year, 2017, -1)})
