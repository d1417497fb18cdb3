from django.utils.translation import gettext_lazy as _

from onewindow.core.registry import ApiMount, DailyJob, DemoStep, OneWindowApp, UrlMount


class CasesConfig(OneWindowApp):
    name = "onewindow.cases"
    label = "cases"
    verbose_name = _("办件")
    urls = (UrlMount("cases/", "onewindow.cases.urls"),)
    api = (ApiMount("onewindow.cases.api:router", tag="cases"),)
    nav = "onewindow.cases.nav:ITEMS"
    daily_jobs = (
        DailyJob("cases.recompute_deadlines", "onewindow.cases.tasks:recompute_deadlines", hour=1),
        DailyJob("cases.terminate_missed_makeups", "onewindow.cases.tasks:terminate_missed_makeups", hour=1),
        DailyJob("cases.send_pending_messages", "onewindow.cases.tasks:send_pending_messages", hour=1),
        DailyJob("cases.purge_pending_uploads", "onewindow.cases.tasks:purge_pending_uploads", hour=3),
    )
    demo = (DemoStep("onewindow.demo.cases:load", order=40),)
