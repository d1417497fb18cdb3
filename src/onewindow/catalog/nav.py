from django.utils.translation import gettext_lazy as _

from onewindow.core.access import PUBLIC, Role
from onewindow.core.nav import NavItem

ITEMS = [
    NavItem(label=_("办事指南"), url_name="catalog:index", roles=frozenset({PUBLIC}), order=10),
    NavItem(label=_("事项管理"), url_name="catalog:manage", roles=frozenset({Role.CATALOG_ADMIN}), order=80),
]
