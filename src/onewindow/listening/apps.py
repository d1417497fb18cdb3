from django.utils.translation import gettext_lazy as _

from onewindow.core.registry import OneWindowApp


class ListeningConfig(OneWindowApp):
    """Listening to citizens (听民声): forums and experience officers whose findings are routed like
    suggestions, leader reception days with bookings, third-party mystery inspections."""

    name = "onewindow.listening"
    label = "listening"
    verbose_name = _("听民声")
