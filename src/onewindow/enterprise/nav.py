from django.utils.translation import gettext_lazy as _

from onewindow.core.access import PUBLIC, Role
from onewindow.core.nav import NavItem

ITEMS = [
    NavItem(label=_("政策兑现"), url_name="enterprise:policies", roles=frozenset({PUBLIC}), order=60),
    NavItem(label=_("企业成长课堂"), url_name="enterprise:classes", roles=frozenset({PUBLIC}), order=61),
    NavItem(label=_("我的企业"), url_name="enterprise:me", roles=frozenset({Role.CITIZEN}), order=62),
    NavItem(label=_("政策兑现审核"), url_name="enterprise:applications",
            roles=frozenset({Role.REVIEWER, Role.DEPARTMENT_HEAD, Role.SUPERVISOR}), order=63),
    NavItem(label=_("一业一证"), url_name="enterprise:licences",
            roles=frozenset({Role.CLERK, Role.DEPARTMENT_HEAD, Role.SUPERVISOR}), order=64),
]
