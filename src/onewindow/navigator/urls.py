from django.urls import path

from onewindow.navigator import views

urlpatterns = [
    path("", views.search_page, name="navigator"),
    path("not-found/", views.not_found, name="navigator_not_found"),
    path("misses/", views.miss_report, name="navigator_misses"),
    path("misses/<int:pk>/synonym/", views.miss_add_synonym, name="navigator_miss_synonym"),
    path("misses/<int:pk>/dismiss/", views.miss_dismiss, name="navigator_miss_dismiss"),
]
