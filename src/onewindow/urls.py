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

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]
# Each app declares its pages on its AppConfig (onewindow.core.registry).
urlpatterns += [path(mount.path, include(mount.module)) for mount in url_mounts()]
