from django.urls import path

from onewindow.navigator import views

urlpatterns = [
    path("", views.search_page, name="navigator"),
]
