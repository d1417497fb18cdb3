"""Reform-metrics pages, appended to insights/urls.py."""

from django.urls import path

from onewindow.insights import views_metrics

urlpatterns = [
    path("metrics/", views_metrics.metrics_page, name="insights_metrics"),
    path("metrics/export.xlsx", views_metrics.metrics_export, name="insights_metrics_export"),
]
