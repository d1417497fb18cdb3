from django.urls import path, re_path

from . import views

app_name = "team"

urlpatterns = [
    path("", views.home, name="home"),
    re_path(r"^manage/(?P<action>compute|publish|choose|star_publish|commend)/$", views.manage, name="manage"),
    path("exams/<slug:code>/", views.exam_take, name="exam"),
    path("exams/<slug:code>/results/", views.exam_results, name="results"),
    path("stars/", views.stars, name="stars"),
]
