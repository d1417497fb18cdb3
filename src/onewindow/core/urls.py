from django.contrib.auth import views as auth_views
from django.urls import path

from onewindow.core import views
from onewindow.core.access import PUBLIC, allow

urlpatterns = [
    path("", views.home, name="home"),
    path("prefs/large-type/", views.large_type_toggle, name="large_type_toggle"),
    path("vendor/plotly.min.js", views.plotly_js, name="plotly_js"),
    path("accounts/login/", allow(PUBLIC)(auth_views.LoginView.as_view()), name="login"),
    path("accounts/logout/", allow(PUBLIC)(auth_views.LogoutView.as_view()), name="logout"),
]
