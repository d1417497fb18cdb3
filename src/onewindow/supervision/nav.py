from django.utils.translation import gettext_lazy as _

from onewindow.core.access import PUBLIC, Role
from onewindow.core.nav import NavItem

ITEMS = [
    NavItem(label=_("督查监测"), url_name="supervision:home", roles=frozenset({Role.SUPERVISOR}), order=60),
    NavItem(label=_("整改通知"), url_name="supervision:notices",
            roles=frozenset({Role.DEPARTMENT_HEAD, Role.REVIEWER}), order=61),
    NavItem(label=_("部门排名"), url_name="supervision:ranking",
            roles=frozenset({Role.SUPERVISOR, Role.DEPARTMENT_HEAD}), order=62),
    NavItem(label=_("部门评分公示"), url_name="supervision:public_ranking", roles=frozenset({PUBLIC}), order=95),
]
