from django.utils.translation import gettext_lazy as _

from onewindow.core.access import PUBLIC
from onewindow.core.nav import NavItem

ITEMS = [
    NavItem(label=_("一件事一次办"), url_name="bundles:list", roles=frozenset({PUBLIC}), order=12),
]
