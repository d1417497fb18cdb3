from django.utils.translation import gettext_lazy as _

from onewindow.core.registry import OneWindowApp


class DemoConfig(OneWindowApp):
    """The demo's data files and loaders, and the `onewindow demo` command. Each app names its own demo steps."""

    name = "onewindow.demo"
    label = "demo"
    verbose_name = _("演示数据")
