from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "onewindow.feedback"
    label = "feedback"
