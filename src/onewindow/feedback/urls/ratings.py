"""Ratings, statistics and bad-review rectification pages (included by feedback/urls/__init__.py)."""

from django.urls import path

from onewindow.feedback.views import rate, ratings, rectification, statistics

urlpatterns = [
    path("rate/<str:token>/", rate.rate, name="rate"),
    path("ratings/", ratings.ratings, name="ratings"),
    path("ratings/export.xlsx", ratings.ratings_export, name="ratings_export"),
    path("ratings/provincial.jsonl", ratings.provincial_download, name="provincial_download"),
    path("stats/", statistics.stats, name="stats"),
    path("stats/export.xlsx", statistics.stats_export, name="stats_export"),
    path("rectifications/", rectification.rectifications, name="rectifications"),
    path("rectifications/<int:rect_id>/", rectification.rectification, name="rectification"),
]
