from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "onewindow.insights"
    label = "insights"
