from django.utils.translation import gettext_lazy as _

from onewindow.core.access import PUBLIC, Role
from onewindow.core.nav import NavItem

ITEMS = [
    NavItem(label=_("智能导办"), url_name="navigator", roles=frozenset({PUBLIC}), order=5),
    NavItem(label=_("导办未找到"), url_name="navigator_misses", roles=frozenset({Role.CATALOG_ADMIN}), order=81),
]
