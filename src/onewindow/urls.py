from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from onewindow.api import api
from onewindow.core.health import healthz

admin.site.site_header = settings.SITE_NAME
admin.site.site_title = settings.SITE_NAME

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("", include("onewindow.core.urls")),
    path("catalog/", include("onewindow.catalog.urls")),
    path("bundles/", include("onewindow.catalog.urls_bundles")),
    path("cases/", include("onewindow.cases.urls")),
    path("hall/", include("onewindow.hall.urls")),
    path("feedback/", include("onewindow.feedback.urls")),
    path("open311/v2/", include("onewindow.feedback.urls_open311")),
    path("supervision/", include("onewindow.supervision.urls")),
    path("insights/", include("onewindow.insights.urls")),
    path("navigator/", include("onewindow.navigator.urls")),
    path("community/", include("onewindow.community.urls")),
]
