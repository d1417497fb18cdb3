from django.utils.translation import gettext_lazy as _

from onewindow.core.registry import ApiMount, DemoStep, OneWindowApp, UrlMount


class IntakeConfig(OneWindowApp):
    """Ways in besides the window and the web: partner outlets and 帮办 on a citizen's behalf, the 24-hour
    locker and the free mail envelope, each recorded against the application it belongs to."""

    name = "onewindow.intake"
    label = "intake"
    verbose_name = _("帮代办与自助收件")
    urls = (UrlMount("intake/", "onewindow.intake.urls"),)
    api = (ApiMount("onewindow.intake.api:router", prefix="intake/", tag="intake"),)
    nav = "onewindow.intake.nav:ITEMS"
    demo = (DemoStep("onewindow.demo.intake:load", order=55),)
