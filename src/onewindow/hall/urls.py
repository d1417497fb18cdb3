from django.urls import path

from onewindow.hall.views import appointments, console, pads, public, stats, window

app_name = "hall"

urlpatterns = [
    path("", public.index, name="index"),
    path("console/", console.console, name="console"),
    path("console/sign-in/", console.console_sign_in, name="console_sign_in"),
    path("console/action/", console.console_action, name="console_action"),
    path("tickets/<int:ticket>/accept/", window.ticket_accept, name="ticket_accept"),
    path("counters/<int:counter>/pad/", pads.pad, name="pad"),
    path("counters/<int:counter>/pads/", pads.pad_devices, name="pad_devices"),
    path("pads/pair/<str:code>/", pads.pad_pair, name="pad_pair"),
    path("t/<str:token>/", public.follow, name="follow"),
    path("appointments/", appointments.appointments, name="appointments"),
    path("appointments/book/", appointments.appointment_book, name="appointment_book"),
    path("appointments/<int:appointment>/cancel/", appointments.appointment_cancel, name="appointment_cancel"),
    path("stats/", stats.stats_index, name="stats_index"),
    path("<slug:hall>/kiosk/", public.kiosk, name="kiosk"),
    path("<slug:hall>/kiosk/ticket/<str:token>/", public.kiosk_ticket, name="kiosk_ticket"),
    path("<slug:hall>/remote/", public.remote, name="remote"),
    path("<slug:hall>/board/", public.board, name="board"),
    path("<slug:hall>/board/stream/", public.board_stream, name="board_stream"),
    path("<slug:hall>/stats/", stats.stats_page, name="stats"),
    path("<slug:hall>/stats.xlsx", stats.stats_xlsx, name="stats_xlsx"),
]
