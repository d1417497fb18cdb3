from django.utils.translation import gettext_lazy as _

from onewindow.core.access import PUBLIC, SIGNED_IN, Role
from onewindow.core.nav import NavItem

ITEMS = [
    NavItem(label=_("大厅取号"), url_name="hall:index", roles=frozenset({PUBLIC}), order=40),
    NavItem(label=_("预约办理"), url_name="hall:appointments", roles=frozenset({SIGNED_IN}), order=41),
    NavItem(label=_("窗口工作台"), url_name="hall:console", roles=frozenset({Role.CLERK}), order=42),
    NavItem(label=_("大厅统计"), url_name="hall:stats_index", roles=frozenset({Role.SUPERVISOR}), order=43),
]
