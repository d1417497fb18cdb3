from django.utils.translation import gettext_lazy as _

from onewindow.core.registry import ApiMount, OneWindowApp, UrlMount


class NavigatorConfig(OneWindowApp):
    name = "onewindow.navigator"
    label = "navigator"
    verbose_name = _("智能导办")
    urls = (UrlMount("navigator/", "onewindow.navigator.urls"),)
    api = (ApiMount("onewindow.navigator.api:router", prefix="navigator", tag="navigator"),)
    nav = "onewindow.navigator.nav:ITEMS"
