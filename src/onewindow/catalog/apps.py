from django.utils.translation import gettext_lazy as _

from onewindow.core.registry import ApiMount, DemoStep, OneWindowApp, UrlMount


class CatalogConfig(OneWindowApp):
    name = "onewindow.catalog"
    label = "catalog"
    verbose_name = _("事项库")
    urls = (UrlMount("catalog/", "onewindow.catalog.urls"),)
    api = (ApiMount("onewindow.catalog.api:router", tag="catalog"),)
    nav = "onewindow.catalog.nav:ITEMS"
    demo = (DemoStep("onewindow.demo.catalog:load", order=10),)
