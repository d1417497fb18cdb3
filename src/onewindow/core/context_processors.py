from typing import Any

from django.conf import settings
from django.http import HttpRequest

from onewindow.core.access import ROLE_LABELS, user_roles
from onewindow.core.nav import grouped, items_for


def onewindow(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    nav = items_for(user)
    return {
        "ow_site_name": settings.SITE_NAME,  # Django's login view sets its own site_name
        "nav_items": nav,
        "nav_groups": grouped(nav, request.path),
        "large_type": request.COOKIES.get("ow_large") == "1",
        "user_role_labels": [ROLE_LABELS[r] for r in sorted(user_roles(user)) if r in ROLE_LABELS],
    }
