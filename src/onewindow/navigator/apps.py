import sys
import threading

from django.utils.translation import gettext_lazy as _

from onewindow.core.registry import ApiMount, OneWindowApp, UrlMount

SERVING = ("runserver", "serve", "demo")


def _serving() -> bool:
    """Whether this process answers web requests (a server, or the demo that starts one)."""
    program = sys.argv[0] if sys.argv else ""
    return "gunicorn" in program or any(arg in SERVING for arg in sys.argv[1:2])


class NavigatorConfig(OneWindowApp):
    name = "onewindow.navigator"
    label = "navigator"
    verbose_name = _("智能导办")
    urls = (UrlMount("navigator/", "onewindow.navigator.urls"),)
    api = (ApiMount("onewindow.navigator.api:router", prefix="navigator", tag="navigator"),)
    nav = "onewindow.navigator.nav:ITEMS"

    def ready(self) -> None:
        from onewindow.catalog import search
        from onewindow.navigator import selectors

        search.register(selectors.item_codes)
        if _serving():
            # jieba's and pypinyin's dictionaries and the index take seconds to load: do it when the server
            # starts, not in the first citizen's request
            threading.Thread(target=selectors.warm_up, name="navigator-warm-up", daemon=True).start()
