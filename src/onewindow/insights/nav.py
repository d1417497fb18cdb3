"""Menu entries of insights."""

from django.utils.translation import gettext_lazy as _

from onewindow.core.access import Role
from onewindow.core.nav import NavItem

READERS = frozenset({Role.SUPERVISOR, Role.DEPARTMENT_HEAD})

ITEMS = [
    NavItem(label=_("改革成效"), url_name="insights_metrics", roles=READERS, order=65),
    NavItem(label=_("大厅仿真与排班"), url_name="insights_simulation", roles=READERS, order=70),
]
