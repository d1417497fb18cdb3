from django.urls import path

from onewindow.feedback import views

app_name = "feedback"

urlpatterns = [
    path("rate/<str:token>/", views.rate, name="rate"),
    path("ratings/", views.ratings, name="ratings"),
    path("ratings/export.xlsx", views.ratings_export, name="ratings_export"),
    path("ratings/provincial.jsonl", views.provincial_download, name="provincial_download"),
    path("stats/", views.stats, name="stats"),
    path("stats/export.xlsx", views.stats_export, name="stats_export"),
    path("rectifications/", views.rectifications, name="rectifications"),
    path("rectifications/<int:rect_id>/", views.rectification, name="rectification"),
    path("suggest/", views.suggest, name="suggest"),
    path("lookup/", views.lookup, name="lookup"),
    path("suggestions/", views.suggestions, name="suggestions"),
    path("suggestions/import/", views.suggestions_import, name="suggestions_import"),
    path("suggestions/import/template.xlsx", views.suggestions_import_template, name="suggestions_import_template"),
    path("suggestions/report/", views.suggestions_report, name="suggestions_report"),
    path("suggestions/report/export.xlsx", views.suggestions_report_export, name="suggestions_report_export"),
    path("suggestions/<int:suggestion_id>/", views.suggestion, name="suggestion"),
]
