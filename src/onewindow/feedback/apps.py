from django.utils.translation import gettext_lazy as _

from onewindow.core.registry import ApiMount, DailyJob, DemoStep, OneWindowApp, UrlMount


class FeedbackConfig(OneWindowApp):
    name = "onewindow.feedback"
    label = "feedback"
    verbose_name = _("好差评与民声")
    urls = (UrlMount("feedback/", "onewindow.feedback.urls"), UrlMount("open311/v2/", "onewindow.feedback.urls_open311"))
    api = (ApiMount("onewindow.feedback.api:router", prefix="feedback/", tag="feedback"),)
    nav = "onewindow.feedback.nav:ITEMS"
    daily_jobs = (DailyJob("feedback.default_ratings", "onewindow.feedback.tasks:apply_default_ratings", hour=2),)
    demo = (DemoStep("onewindow.feedback.demo:load", order=60),)
