from django.utils.translation import gettext_lazy as _

from onewindow.core.registry import ApiMount, DemoStep, OneWindowApp, UrlMount


class EnterpriseConfig(OneWindowApp):
    name = "onewindow.enterprise"
    label = "enterprise"
    verbose_name = _("企业服务")
    urls = (UrlMount("enterprise/", "onewindow.enterprise.urls"),)
    api = tuple(ApiMount(f"onewindow.enterprise.api.{concept}:router", prefix="enterprise/", tag="enterprise")
                for concept in ("policies", "classes", "licences"))
    nav = "onewindow.enterprise.nav:ITEMS"
    demo = (DemoStep("onewindow.demo.enterprise:load", order=110),)
