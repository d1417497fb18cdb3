from django.urls import path

from onewindow.hall import views

app_name = "hall"

urlpatterns = [
    path("", views.index, name="index"),
    path("console/", views.console, name="console"),
    path("console/sign-in/", views.console_sign_in, name="console_sign_in"),
    path("console/action/", views.console_action, name="console_action"),
    path("counters/<int:counter>/pad/", views.pad, name="pad"),
    path("counters/<int:counter>/pads/", views.pad_devices, name="pad_devices"),
    path("pads/pair/<str:code>/", views.pad_pair, name="pad_pair"),
    path("t/<str:token>/", views.follow, name="follow"),
    path("appointments/", views.appointments, name="appointments"),
    path("appointments/book/", views.appointment_book, name="appointment_book"),
    path("appointments/<int:appointment>/cancel/", views.appointment_cancel, name="appointment_cancel"),
    path("stats/", views.stats_index, name="stats_index"),
    path("<slug:hall>/kiosk/", views.kiosk, name="kiosk"),
    path("<slug:hall>/kiosk/ticket/<str:token>/", views.kiosk_ticket, name="kiosk_ticket"),
    path("<slug:hall>/remote/", views.remote, name="remote"),
    path("<slug:hall>/board/", views.board, name="board"),
    path("<slug:hall>/stats/", views.stats, name="stats"),
    path("<slug:hall>/stats.xlsx", views.stats_xlsx, name="stats_xlsx"),
]
