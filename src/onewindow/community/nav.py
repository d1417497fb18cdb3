from django.utils.translation import gettext_lazy as _

from onewindow.core.access import PUBLIC, Role
from onewindow.core.nav import NavItem

ITEMS = [
    NavItem(label=_("小区治理"), url_name="community:home",
            roles=frozenset({Role.COMMUNITY_WORKER, Role.SUPERVISOR}), order=80),
    NavItem(label=_("服务订单"), url_name="community:orders", roles=frozenset({Role.COMMUNITY_WORKER}), order=81),
    NavItem(label=_("双向反馈"), url_name="community:feedback", roles=frozenset({Role.COMMUNITY_WORKER}), order=82),
    NavItem(label=_("我的时间银行"), url_name="community:me", roles=frozenset({Role.VOLUNTEER}), order=80),
    NavItem(label=_("小区议事公开"), url_name="community:public_proposals", roles=frozenset({PUBLIC}), order=90),
    NavItem(label=_("邻里中心与服务阵地"), url_name="community:resources", roles=frozenset({PUBLIC}), order=91),
]
