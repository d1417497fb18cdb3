from django.apps import AppConfig


class NavigatorConfig(AppConfig):
    name = "onewindow.navigator"
    label = "navigator"
