from django.utils.translation import gettext_lazy as _

from onewindow.core.registry import ApiMount, DemoStep, OneWindowApp, UrlMount


class CoreConfig(OneWindowApp):
    name = "onewindow.core"
    label = "core"
    verbose_name = _("基础")
    urls = (UrlMount("", "onewindow.core.urls"),)
    api = (ApiMount("onewindow.core.api:router", tag="core"),)
    demo = (DemoStep("onewindow.demo.regions:load", order=5), DemoStep("onewindow.demo.logins:load", order=20))

    def ready(self) -> None:
        from onewindow.core import checks  # noqa: F401 — registers the deploy checks (secret key, demo logins)
