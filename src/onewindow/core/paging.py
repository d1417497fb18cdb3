"""The one pager for list pages and list endpoints.

    page = paginate(qs, page=request.GET.get("page"), per_page=30)    # a django.core.paginator.Page

An empty or unreadable page number is page 1, one past the end is the last page (Django's `get_page`), and a
number beyond core.inputs.MAX_PAGE is refused with a 400 naming the field (never a giant OFFSET).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from onewindow.core.inputs import page_param


def paginate(items: QuerySet[Any] | Sequence[Any], *, page: object, per_page: int) -> Page[Any]:
    return Paginator(items, per_page).get_page(page_param(page))
