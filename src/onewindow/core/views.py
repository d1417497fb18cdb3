from functools import cache
from pathlib import Path

from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from onewindow.core.access import PUBLIC, allow

LARGE_TYPE_COOKIE = "ow_large"


@allow(PUBLIC)
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


@allow(PUBLIC)
@require_POST
def large_type_toggle(request: HttpRequest) -> HttpResponse:
    """Large-type mode (适老化) persists in a cookie so it works before and after signing in."""
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    response = HttpResponseRedirect(target)
    if request.COOKIES.get(LARGE_TYPE_COOKIE) == "1":
        response.delete_cookie(LARGE_TYPE_COOKIE)
    else:
        response.set_cookie(LARGE_TYPE_COOKIE, "1", max_age=365 * 24 * 3600, samesite="Lax")
    return response


@cache
def plotly_js_path() -> Path:
    """plotly.min.js as shipped inside the installed `plotly` Python package."""
    import plotly

    return Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"


@allow(PUBLIC)
def plotly_js(request: HttpRequest) -> HttpResponseBase:
    """plotly.js served from this site (charts never load anything from the internet)."""
    path = plotly_js_path()
    if not path.is_file():
        raise Http404("plotly.min.js not found in the plotly package")
    response = FileResponse(path.open("rb"), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
