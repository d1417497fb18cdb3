from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
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
