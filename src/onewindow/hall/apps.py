from django.utils.translation import gettext_lazy as _

from onewindow.core.registry import ApiMount, DailyJob, DemoStep, OneWindowApp, UrlMount


class HallConfig(OneWindowApp):
    name = "onewindow.hall"
    label = "hall"
    verbose_name = _("服务大厅")
    urls = (UrlMount("hall/", "onewindow.hall.urls"),)
    api = (ApiMount("onewindow.hall.api:router", tag="hall"),)
    nav = "onewindow.hall.nav:ITEMS"
    daily_jobs = (DailyJob("hall.expire_appointments", "onewindow.hall.tasks:expire_appointments", hour=0),)
    demo = (DemoStep("onewindow.demo.hall:load", order=50), DemoStep("onewindow.demo.regions:load_halls", order=55))
