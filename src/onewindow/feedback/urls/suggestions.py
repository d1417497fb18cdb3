"""The citizen's voice pages (included by feedback/urls/__init__.py)."""

from django.urls import path

from onewindow.feedback.views import suggestions as v

urlpatterns = [
    path("suggest/", v.suggest, name="suggest"),
    path("lookup/", v.lookup, name="lookup"),
    path("suggestions/", v.suggestions, name="suggestions"),
    path("suggestions/import/", v.suggestions_import, name="suggestions_import"),
    path("suggestions/import/template.xlsx", v.suggestions_import_template, name="suggestions_import_template"),
    path("suggestions/report/", v.suggestions_report, name="suggestions_report"),
    path("suggestions/report/export.xlsx", v.suggestions_report_export, name="suggestions_report_export"),
    path("suggestions/<int:suggestion_id>/", v.suggestion, name="suggestion"),
]
