from django.utils.translation import gettext_lazy as _

from onewindow.core.access import PUBLIC
from onewindow.core.nav import NavItem

ITEMS = [NavItem(label=_("智能导办"), url_name="navigator", roles=frozenset({PUBLIC}), order=5)]
