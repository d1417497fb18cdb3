from django.utils.translation import gettext_lazy as _

from onewindow.core.registry import ApiMount, DemoStep, OneWindowApp, UrlMount


class BundlesConfig(OneWindowApp):
    name = "onewindow.bundles"
    label = "bundles"
    verbose_name = _("一件事")
    urls = (UrlMount("bundles/", "onewindow.bundles.urls"),)
    api = (ApiMount("onewindow.bundles.api:router", tag="bundles"),)
    nav = "onewindow.bundles.nav:ITEMS"
    demo = (DemoStep("onewindow.demo.bundles:load", order=30),)
