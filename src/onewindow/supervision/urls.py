from django.urls import path

from onewindow.supervision import views, views_year

app_name = "supervision"

urlpatterns = [
    path("", views.home, name="home"),
    path("monitors/run/", views.run_monitors, name="run_monitors"),
    path("findings/", views.findings, name="findings"),
    path("inspections/", views.inspections, name="inspections"),
    path("inspections/<int:pk>/", views.inspection, name="inspection"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("notices/", views.notices, name="notices"),
    path("notices/new/", views.notice_new, name="notice_new"),
    path("notices/<int:pk>/", views.notice, name="notice"),
    path("notices/<int:pk>/pdf/", views.notice_pdf, name="notice_pdf"),
    path("year/", views_year.year, name="year"),
    path("ranking/", views.ranking, name="ranking"),
    path("ranking/streets/", views.street_ranking, name="street_ranking"),
    path("ranking/export.xlsx", views.ranking_export, name="ranking_export"),
    path("public/ranking/", views.public_ranking, name="public_ranking"),
]
