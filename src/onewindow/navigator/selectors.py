"""Reads for the guide: the catalog as documents, and the index cached per process.

The cached index is keyed by a cheap fingerprint of the catalog (count and latest `updated_at` of items and
bundles, the number of material links); when an item or a bundle is added, renamed or retired the next
search sees a new fingerprint and rebuilds. No signals. Two aggregate queries per search.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from django.db.models import Count, Max
from django.urls import NoReverseMatch, reverse

from onewindow.bundles.models import Bundle
from onewindow.catalog.models import ItemMaterial, ItemStatus, ServiceItem
from onewindow.navigator import text
from onewindow.navigator.engine import Doc, Hit, Index

_lock = threading.Lock()
_cached: tuple[tuple, Index] | None = None

MAX_QUERY_LENGTH = 100


def fingerprint() -> tuple:
    items = ServiceItem.objects.aggregate(n=Count("id"), at=Max("updated_at"))
    bundles = Bundle.objects.aggregate(n=Count("id"), at=Max("updated_at"))
    return (items["n"], items["at"], bundles["n"], bundles["at"])


def _url(names: tuple[str, ...], code: str, fallback: str) -> str:
    for name in names:
        try:
            return reverse(name, args=[code])
        except NoReverseMatch:
            continue
    return fallback


AUDIENCE = {"person": "个人", "enterprise": "企业 法人 公司 单位", "both": "个人 企业"}


def build_documents() -> list[Doc]:
    docs: list[Doc] = []
    materials: dict[int, list[str]] = {}
    for item_id, name in (ItemMaterial.objects.filter(item__status=ItemStatus.PUBLISHED)
                          .values_list("item_id", "material__name")):
        materials.setdefault(item_id, []).append(name)
    items = (ServiceItem.objects.filter(status=ItemStatus.PUBLISHED)
             .select_related("department", "window_category").order_by("code"))
    item_names: dict[int, str] = {}
    for it in items:
        item_names[it.id] = it.name
        dept = it.department.short_name or it.department.name
        docs.append(Doc(
            kind="item", code=it.code, name=it.name,
            url=_url(("catalog:item_detail", "catalog:item", "catalog_item_detail", "item_detail"), it.code,
                     f"/catalog/items/{it.code}/"),
            audience=it.audience, department=it.department.name,
            fields={"name": it.name, "aliases": it.aliases,
                    "keywords": " ".join(filter(None, [dept, it.department.name, it.result_name,
                                                       it.window_category.name if it.window_category else "",
                                                       AUDIENCE.get(it.audience, "")])),
                    "description": " ".join(filter(None, [it.description, it.acceptance_conditions])),
                    "faq": it.faq, "materials": " ".join(materials.get(it.id, []))}))
    bundles = (Bundle.objects.filter(status=ItemStatus.PUBLISHED).select_related("lead_department")
               .prefetch_related("bundle_items__item", "questions__options").order_by("code"))
    for b in bundles:
        situations = [q.text for q in b.questions.all()] + [o.label for q in b.questions.all() for o in q.options.all()]
        contained = [bi.item.name for bi in b.bundle_items.all()]
        docs.append(Doc(
            kind="bundle", code=b.code, name=b.name, url=_url(("bundles:detail",), b.code, f"/bundles/{b.code}/"),
            audience=b.audience, department=b.lead_department.name,
            fields={"name": b.name, "aliases": b.aliases,
                    "keywords": " ".join([*contained, *situations, AUDIENCE.get(b.audience, "")]),
                    "description": " ".join(filter(None, [b.description, b.process_note])),
                    "faq": "", "materials": b.materials_note},
            extra={"items": len(contained)}))
    return docs


def current_index() -> Index:
    """The index for the catalog as it is now (rebuilt in this process when the fingerprint changes)."""
    global _cached
    key = fingerprint()
    cached = _cached
    if cached is not None and cached[0] == key:
        return cached[1]
    with _lock:
        if _cached is not None and _cached[0] == key:
            return _cached[1]
        docs = build_documents()
        words = [doc.name for doc in docs]
        for doc in docs:
            words.extend(a.strip() for a in doc.fields.get("aliases", "").split(",") if a.strip())
        text.add_words(words)
        index = Index(docs)
        _cached = (key, index)
        return index


@dataclass
class SearchResult:
    query: str
    hits: list[Hit]
    did_you_mean: list[str]
    took_ms: float
    message: str = ""

    def as_dict(self) -> dict:
        return {"query": self.query, "count": len(self.hits), "results": [h.as_dict() for h in self.hits],
                "did_you_mean": self.did_you_mean, "took_ms": round(self.took_ms, 2), "message": self.message}


def search(q: str | None, *, limit: int = 10, audience: str | None = None) -> SearchResult:
    started = time.perf_counter()
    query = text.normalise(q or "")[:MAX_QUERY_LENGTH]
    if not query:
        return SearchResult("", [], [], 0.0, "请输入您要办的事，例如：我想开个小饭馆")
    index = current_index()
    hits = index.search(query, limit=max(1, min(limit, 50)), audience=audience or None)
    suggestions = [] if hits else index.did_you_mean(query)
    message = "" if hits else "没有找到相关的事项或一件事"
    return SearchResult(query, hits, suggestions, (time.perf_counter() - started) * 1000, message)
