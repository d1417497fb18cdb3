from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "onewindow.community"
    label = "community"
