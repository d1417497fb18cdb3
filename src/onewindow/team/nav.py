from django.utils.translation import gettext_lazy as _

from onewindow.core.access import PUBLIC, Role
from onewindow.core.nav import NavItem

ITEMS = [
    NavItem(label=_("窗口队伍考核"), url_name="team:home",
            roles=frozenset({Role.CLERK, Role.SUPERVISOR, Role.DEPARTMENT_HEAD}), order=64),
    NavItem(label=_("政务服务之星"), url_name="team:stars", roles=frozenset({PUBLIC}), order=45, group="public"),
]
