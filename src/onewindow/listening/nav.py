from django.utils.translation import gettext_lazy as _

from onewindow.core.access import PUBLIC, Role
from onewindow.core.nav import NavItem

MANAGERS = frozenset({Role.SUPERVISOR, Role.DEPARTMENT_HEAD})

ITEMS = [
    NavItem(label=_("局领导接访预约"), url_name="listening:reception", roles=frozenset({PUBLIC}), order=36,
            group="public"),
    NavItem(label=_("我的体验"), url_name="listening:experience", roles=frozenset({Role.CITIZEN}), order=37,
            group="public"),
    NavItem(label=_("接访登记"), url_name="listening:reception_desk",
            roles=frozenset({Role.CLERK, Role.SUPERVISOR, Role.DEPARTMENT_HEAD}), order=27),
    NavItem(label=_("群众座谈"), url_name="listening:forums", roles=MANAGERS, order=64, group="oversight"),
    NavItem(label=_("体验官"), url_name="listening:officers", roles=MANAGERS, order=65, group="oversight"),
    NavItem(label=_("评立改蹲守"), url_name="listening:mystery", roles=MANAGERS, order=66, group="oversight"),
    NavItem(label=_("听民声统计"), url_name="listening:figures", roles=MANAGERS, order=67, group="oversight"),
]
