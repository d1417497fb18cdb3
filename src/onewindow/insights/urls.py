"""Pages under /insights/. Other insights modules append their paths to this list."""

from django.urls import path

from onewindow.insights import views

urlpatterns = [
    path("simulation/", views.simulation, name="insights_simulation"),
]

# reform metrics (supervision helper)
from onewindow.insights.urls_metrics import urlpatterns as _metrics_urlpatterns  # noqa: E402

urlpatterns += _metrics_urlpatterns
