from django.utils.translation import gettext_lazy as _

from onewindow.core.registry import ApiMount, OneWindowApp, UrlMount


class InsightsConfig(OneWindowApp):
    name = "onewindow.insights"
    label = "insights"
    verbose_name = _("数据分析")
    urls = (UrlMount("insights/", "onewindow.insights.urls"),)
    api = (ApiMount("onewindow.insights.api:router", prefix="insights/", tag="insights"),)
    nav = "onewindow.insights.nav:ITEMS"
