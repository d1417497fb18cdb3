from typing import Any

from django.conf import settings
from django.http import HttpRequest

from onewindow.core.access import ROLE_LABELS, user_roles
from onewindow.core.nav import items_for


def onewindow(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "ow_site_name": settings.SITE_NAME,  # Django's login view sets its own site_name
        "nav_items": items_for(user),
        "large_type": request.COOKIES.get("ow_large") == "1",
        "user_role_labels": [ROLE_LABELS[r] for r in sorted(user_roles(user)) if r in ROLE_LABELS],
    }
