from django.utils.translation import gettext_lazy as _

from onewindow.core.registry import ApiMount, DailyJob, DemoStep, OneWindowApp, UrlMount


class SupervisionConfig(OneWindowApp):
    name = "onewindow.supervision"
    label = "supervision"
    verbose_name = _("督查")
    urls = (UrlMount("supervision/", "onewindow.supervision.urls"),)
    api = (ApiMount("onewindow.supervision.api:router", tag="supervision"),)
    nav = "onewindow.supervision.nav:ITEMS"
    daily_jobs = (DailyJob("supervision.nightly", "onewindow.supervision.tasks:nightly", hour=2),)
    demo = (DemoStep("onewindow.demo.supervision:load", order=70),)
