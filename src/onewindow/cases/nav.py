from django.utils.translation import gettext_lazy as _

from onewindow.core.access import PUBLIC, Role
from onewindow.core.nav import NavItem

ITEMS = [
    NavItem(label=_("我的申请"), url_name="cases:mine", roles=frozenset({Role.CITIZEN}), order=30),
    NavItem(label=_("办件进度查询"), url_name="cases:progress", roles=frozenset({PUBLIC}), order=35),
    NavItem(label=_("窗口受理"), url_name="cases:clerk_accept", roles=frozenset({Role.CLERK}), order=20),
    NavItem(label=_("部门待办"), url_name="cases:worklist", roles=frozenset({Role.REVIEWER, Role.DEPARTMENT_HEAD}),
            order=20),
]
