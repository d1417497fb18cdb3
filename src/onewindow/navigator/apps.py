import sys
import threading

from django.utils.translation import gettext_lazy as _

from onewindow.core.registry import ApiMount, OneWindowApp, UrlMount

# `serve` and `demo` hand over to gunicorn (os.execv), whose workers warm up themselves; `demo` migrates and loads
# its data first, so a warm-up in its own process would only race the migration of a fresh database
SERVING = ("runserver",)


def _serving() -> bool:
    """Whether this process answers web requests: Django's development server, or a gunicorn process."""
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
