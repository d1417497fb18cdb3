from django.utils.translation import gettext_lazy as _

from onewindow.core.access import PUBLIC, Role
from onewindow.core.nav import NavItem

ITEMS = [
    NavItem(label=_("我要反映"), url_name="feedback:suggest", roles=frozenset({PUBLIC}), order=60),
    NavItem(label=_("反映进度查询"), url_name="feedback:lookup", roles=frozenset({PUBLIC}), order=61),
    NavItem(label=_("差评整改"), url_name="feedback:rectifications",
            roles=frozenset({Role.REVIEWER, Role.DEPARTMENT_HEAD, Role.SUPERVISOR}), order=62),
    NavItem(label=_("意见建议办理"), url_name="feedback:suggestions",
            roles=frozenset({Role.REVIEWER, Role.DEPARTMENT_HEAD, Role.SUPERVISOR}), order=63),
    NavItem(label=_("好差评统计"), url_name="feedback:stats",
            roles=frozenset({Role.CLERK, Role.REVIEWER, Role.DEPARTMENT_HEAD, Role.SUPERVISOR}), order=64),
]
