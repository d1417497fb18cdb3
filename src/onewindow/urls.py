from typing import Any

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from onewindow.api import api
from onewindow.core.health import healthz
from onewindow.core.registry import url_mounts

# The site's own error pages, rendered with the request (menu, language, a way back): core.error_pages
handler400 = "onewindow.core.error_pages.bad_request"
handler403 = "onewindow.core.error_pages.permission_denied"
handler404 = "onewindow.core.error_pages.page_not_found"

admin.site.site_header = settings.SITE_NAME
admin.site.site_title = settings.SITE_NAME

# The hall queue's routes first. Django tries a path against each pattern in turn, and the kiosk's issue and the
# counter's call-next and finish sat 16 to 26 routes deep in the API: trying them was a twentieth of a queue
# request's server CPU (docs/operations.md "Hot paths"). No route before them matches their paths, so moving them
# ahead changes no answer (tests/core/test_urls.py resolves every route both ways); the OpenAPI description keeps
# the API's own order.
HOT_API_ROUTES = (
    "v1/halls/<hall>/tickets", "v1/counters/<counter>/call-next", "v1/counters/<counter>/finish",
    "v1/halls/<hall>/board", "v1/tickets/<token>", "v1/counters/<counter>/start", "v1/counters/<counter>/recall",
    "v1/counters/<counter>/no-show", "v1/counters/<counter>/transfer",
)


def hot_first(urls: tuple[list[Any], str, str]) -> tuple[list[Any], str, str]:
    patterns, app_name, namespace = urls
    rank = {route: n for n, route in enumerate(HOT_API_ROUTES)}
    hot = sorted((p for p in patterns if str(p.pattern) in rank), key=lambda p: rank[str(p.pattern)])
    return [*hot, *(p for p in patterns if str(p.pattern) not in rank)], app_name, namespace


urlpatterns = [
    path("api/", hot_first(api.urls)),  # the API first: most requests are the queue's
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
# Each app declares its pages on its AppConfig (onewindow.core.registry).
urlpatterns += [path(mount.path, include(mount.module)) for mount in url_mounts()]
