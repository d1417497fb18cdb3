from django.utils.translation import gettext_lazy as _

from onewindow.core.registry import ApiMount, DemoStep, OneWindowApp, UrlMount


class CommunityConfig(OneWindowApp):
    name = "onewindow.community"
    label = "community"
    verbose_name = _("社区治理")
    urls = (UrlMount("community/", "onewindow.community.urls"),)
    api = tuple(ApiMount(f"onewindow.community.api.{concept}:router", prefix="community/", tag="community")
                for concept in ("organisation", "timebank", "governance", "resources"))
    nav = "onewindow.community.nav:ITEMS"
    demo = (DemoStep("onewindow.demo.community:load", order=100),
            DemoStep("onewindow.demo.community_resources:load", order=101))
