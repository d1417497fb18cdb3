from django.apps import AppConfig


class HallConfig(AppConfig):
    name = "onewindow.hall"
    label = "hall"
