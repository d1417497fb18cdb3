"""Menu entries of insights. Other insights modules append their NavItems to this list."""

from django.utils.translation import gettext_lazy as _

from onewindow.core.access import Role
from onewindow.core.nav import NavItem

ITEMS = [
    NavItem(label=_("大厅仿真与排班"), url_name="insights_simulation",
            roles=frozenset({Role.SUPERVISOR, Role.DEPARTMENT_HEAD}), order=70),
]

# reform metrics (supervision helper)
ITEMS.append(NavItem(label=_("改革成效"), url_name="insights_metrics",
                     roles=frozenset({Role.SUPERVISOR, Role.DEPARTMENT_HEAD}), order=65))
