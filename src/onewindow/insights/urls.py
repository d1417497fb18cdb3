"""Pages under /insights/: the reform-metrics dashboard and its export, and the hall simulation."""

from django.urls import path

from onewindow.insights import views_metrics, views_simulation

urlpatterns = [
    path("metrics/", views_metrics.metrics_page, name="insights_metrics"),
    path("metrics/export.xlsx", views_metrics.metrics_export, name="insights_metrics_export"),
    path("simulation/", views_simulation.simulation, name="insights_simulation"),
    path("simulation/plan/", views_simulation.simulation_plan, name="insights_simulation_plan"),
]
