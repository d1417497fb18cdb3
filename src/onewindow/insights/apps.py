from django.utils.translation import gettext_lazy as _

from onewindow.core.registry import ApiMount, DailyJob, DemoStep, OneWindowApp, UrlMount


class InsightsConfig(OneWindowApp):
    name = "onewindow.insights"
    label = "insights"
    verbose_name = _("数据分析")
    urls = (UrlMount("insights/", "onewindow.insights.urls"),)
    api = (ApiMount("onewindow.insights.api_simulation:router", prefix="insights/", tag="insights"),
           ApiMount("onewindow.insights.api_metrics:router", tag="insights"))
    nav = "onewindow.insights.nav:ITEMS"
    daily_jobs = (DailyJob("insights.rollups", "onewindow.insights.tasks:rollup", hour=2),)
    demo = (DemoStep("onewindow.demo.insights:load", order=75),)
