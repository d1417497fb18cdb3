"""The catalog's search box asks the guide (智能导办) when it is installed.

The guide sits above the catalog (it reads items and bundles), so the catalog cannot import it; the guide
registers its item search here when it starts, and `/catalog/?q=` falls back to matching names, codes and
aliases when no search is registered.
"""

from __future__ import annotations

from collections.abc import Callable

ItemSearch = Callable[[str], list[str]]  # query → item codes, best first

_search: list[ItemSearch] = []


def register(search: ItemSearch) -> None:
    _search[:] = [search]


def item_codes(query: str) -> list[str] | None:
    """Codes of the items that answer `query`, best first; None when no guide is registered."""
    return _search[0](query) if _search else None
