from django.urls import path

from . import views

app_name = "listening"

urlpatterns = [
    path("figures/", views.figures, name="figures"),
    path("forums/", views.forums, name="forums"),
    path("forums/<int:forum_id>/", views.forum_detail, name="forum"),
    path("officers/", views.officers, name="officers"),
    path("experience/", views.experience, name="experience"),
    path("reception/", views.reception, name="reception"),
    path("reception/book/", views.reception_book, name="reception_book"),
    path("reception/bookings/<int:booking_id>/cancel/", views.booking_cancel, name="booking_cancel"),
    path("reception/desk/", views.reception_desk, name="reception_desk"),
    path("reception/desk/<int:day_id>/", views.reception_day, name="reception_day"),
    path("reception/desk/bookings/<int:booking_id>/<str:action>/", views.booking_action, name="booking_action"),
    path("mystery/", views.mystery, name="mystery"),
]
