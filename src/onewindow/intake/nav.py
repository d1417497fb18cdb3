from django.utils.translation import gettext_lazy as _

from onewindow.core.access import Role
from onewindow.core.nav import NavItem

ITEMS = [
    NavItem(label=_("网点帮代办"), url_name="intake:outlet", roles=frozenset({Role.OUTLET_STAFF}), order=20),
    NavItem(label=_("帮办代办"), url_name="intake:assisted", roles=frozenset({Role.CLERK}), order=22),
    NavItem(label=_("文件柜与信封"), url_name="intake:lockers", roles=frozenset({Role.CLERK}), order=23),
    NavItem(label=_("材料投递与领取"), url_name="intake:mine", roles=frozenset({Role.CITIZEN}), order=31),
    NavItem(label=_("网点帮代办统计"), url_name="intake:figures", roles=frozenset({Role.SUPERVISOR}), order=63),
]
