from django.utils.translation import gettext_lazy as _

from onewindow.core.registry import ApiMount, DailyJob, DemoStep, OneWindowApp, UrlMount


class FeedbackConfig(OneWindowApp):
    name = "onewindow.feedback"
    label = "feedback"
    verbose_name = _("好差评与民声")
    urls = (UrlMount("feedback/", "onewindow.feedback.urls"), UrlMount("open311/v2/", "onewindow.feedback.urls.open311"))
    api = tuple(ApiMount(f"onewindow.feedback.api.{concept}:router", prefix="feedback/", tag="feedback")
                for concept in ("ratings", "rectification", "suggestions"))
    nav = "onewindow.feedback.nav:ITEMS"
    daily_jobs = (DailyJob("feedback.default_ratings", "onewindow.feedback.tasks:apply_default_ratings", hour=2),)
    demo = (DemoStep("onewindow.demo.feedback:load", order=60),)
