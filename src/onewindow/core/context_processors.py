import json
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from onewindow.core.access import ROLE_LABELS, user_roles
from onewindow.core.nav import grouped, items_for

#: text the site's scripts show, in the page's language: base.html writes it as JSON in the content of
#: <meta id="ow-text"> (not in a <script> block: pages carry no inline script, tests/security/test_hardening.py) and
#: the scripts read it there, so no script carries Chinese of its own
JS_TEXT = {"chart_invalid": gettext_lazy("图表数据无效")}


def onewindow(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    nav = items_for(user)
    return {
        "ow_site_name": settings.SITE_NAME,  # Django's login view sets its own site_name
        "nav_items": nav,
        "nav_groups": grouped(nav, request.path),
        "large_type": request.COOKIES.get("ow_large") == "1",
        "ow_js_text": json.dumps({key: str(value) for key, value in JS_TEXT.items()}, ensure_ascii=False),
        "user_role_labels": [ROLE_LABELS[r] for r in sorted(user_roles(user)) if r in ROLE_LABELS],
    }
