from django.utils.translation import gettext_lazy as _

from onewindow.core.registry import ApiMount, DemoStep, OneWindowApp, UrlMount


class ListeningConfig(OneWindowApp):
    """Listening to citizens (听民声): forums and experience officers whose findings are routed like
    suggestions, leader reception days with bookings, third-party mystery inspections."""

    name = "onewindow.listening"
    label = "listening"
    verbose_name = _("听民声")
    urls = (UrlMount("listening/", "onewindow.listening.urls"),)
    api = (ApiMount("onewindow.listening.api:router", prefix="listening/", tag="listening"),)
    nav = "onewindow.listening.nav:ITEMS"
    demo = (DemoStep("onewindow.demo.listening:load", order=79),)
