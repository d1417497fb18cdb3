"""Reads for the guide: the catalog as documents, and the index cached per process.

The cached index is keyed by a cheap fingerprint of the catalog (count and latest `updated_at` of items,
bundles and the guide's own synonyms); when an item or a bundle is added, renamed or retired, or a synonym is
added, the next search sees a new fingerprint and rebuilds. No signals. One statement per search.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from dataclasses import dataclass

from django.db import connection
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext

from onewindow.bundles.models import Bundle
from onewindow.catalog.models import ItemMaterial, ItemStatus, ServiceItem
from onewindow.core import rows
from onewindow.navigator import text
from onewindow.navigator.engine import Doc, Hit, Index, Synonym
from onewindow.navigator.models import Language
from onewindow.navigator.models import Synonym as SynonymRow
from onewindow.navigator.synonyms import EN_SYNONYMS

logger = logging.getLogger(__name__)
_lock = threading.Lock()
_cached: tuple[tuple, Index] | None = None

MAX_QUERY_LENGTH = 100


FINGERPRINTED = (ServiceItem, Bundle, SynonymRow)


def fingerprint() -> tuple:
    """Count and latest `updated_at` of the items, bundles and synonyms, in one statement written once (every
    search asks: three ORM aggregates were three round trips and three compilations)."""
    def build() -> str:
        parts = []
        for model in FINGERPRINTED:
            table = rows.quote(connection, model._meta.db_table)
            at = rows.quote(connection, model._meta.get_field("updated_at").column)
            parts += [f"(SELECT COUNT(*) FROM {table})", f"(SELECT MAX({at}) FROM {table})"]
        return "SELECT " + ", ".join(parts)

    with rows.cursor(connection) as cursor:
        cursor.execute(rows.statement(connection, "navigator.fingerprint", build))
        return tuple(cursor.fetchone())


def _url(names: tuple[str, ...], code: str, fallback: str) -> str:
    for name in names:
        try:
            return reverse(name, args=[code])
        except NoReverseMatch:
            continue
    return fallback


AUDIENCE = {"person": "个人", "enterprise": "企业 法人 公司 单位", "both": "个人 企业"}


def _join(*parts: str) -> str:
    return " ".join(p for p in parts if p)


def _item_docs(materials: dict[int, list[str]], materials_en: dict[int, list[str]]) -> list[Doc]:
    docs = []
    items = (ServiceItem.objects.filter(status=ItemStatus.PUBLISHED)
             .select_related("department", "window_category").order_by("code"))
    for it in items:
        dept, category = it.department, it.window_category
        docs.append(Doc(
            kind="item", code=it.code, name=it.name, name_en=it.name_en,
            url=_url(("catalog:item_detail", "catalog:item", "catalog_item_detail", "item_detail"), it.code,
                     f"/catalog/items/{it.code}/"),
            audience=it.audience, department=dept.name, department_en=dept.name_en,
            fields={"name": it.name, "aliases": it.aliases,
                    "keywords": _join(dept.short_name or dept.name, dept.name, it.result_name,
                                      category.name if category else "", AUDIENCE.get(it.audience, "")),
                    "description": _join(it.description, it.acceptance_conditions),
                    "faq": it.faq, "materials": " ".join(materials.get(it.id, [])),
                    "name_en": it.name_en, "aliases_en": it.aliases_en,
                    "english": _join(dept.name_en, dept.short_name_en, it.result_name_en,
                                     category.name_en if category else ""),
                    "materials_en": " ".join(materials_en.get(it.id, []))}))
    return docs


def _bundle_docs() -> list[Doc]:
    docs = []
    bundles = (Bundle.objects.filter(status=ItemStatus.PUBLISHED).select_related("lead_department")
               .prefetch_related("bundle_items__item", "questions__options").order_by("code"))
    for b in bundles:
        questions = list(b.questions.all())
        situations = [q.text for q in questions] + [o.label for q in questions for o in q.options.all()]
        situations_en = [q.text_en for q in questions] + [o.label_en for q in questions for o in q.options.all()]
        contained = [bi.item for bi in b.bundle_items.all()]
        dept = b.lead_department
        docs.append(Doc(
            kind="bundle", code=b.code, name=b.name, name_en=b.name_en,
            url=_url(("bundles:detail",), b.code, f"/bundles/{b.code}/"),
            audience=b.audience, department=dept.name, department_en=dept.name_en,
            fields={"name": b.name, "aliases": b.aliases,
                    "keywords": " ".join([*(it.name for it in contained), *situations,
                                          AUDIENCE.get(b.audience, "")]),
                    "description": _join(b.description, b.process_note),
                    "faq": "", "materials": b.materials_note,
                    "name_en": b.name_en, "aliases_en": b.aliases_en,
                    "english": _join(b.description_en, *(it.name_en for it in contained), *situations_en)},
            extra={"items": len(contained)}))
    return docs


def build_documents() -> list[Doc]:
    materials: dict[int, list[str]] = {}
    materials_en: dict[int, list[str]] = {}
    for item_id, name, name_en, aliases_en in (ItemMaterial.objects.filter(item__status=ItemStatus.PUBLISHED)
                                               .values_list("item_id", "material__name", "material__name_en",
                                                            "material__aliases_en")):
        materials.setdefault(item_id, []).append(name)
        materials_en.setdefault(item_id, []).append(_join(name_en, aliases_en.replace(",", " ")))
    return [*_item_docs(materials, materials_en), *_bundle_docs()]


def learned_synonyms() -> tuple[tuple[Synonym, ...], tuple[Synonym, ...]]:
    """The synonyms catalog admins added, Chinese (and pinyin) apart from English."""
    zh: list[Synonym] = []
    en: list[Synonym] = []
    for row in SynonymRow.objects.filter(active=True).order_by("id"):
        entry = ((text.normalise(row.phrase),), row.target_list(), row.weight)
        (en if row.language == Language.EN else zh).append(entry)
    return tuple(zh), tuple(en)


def _static_en_synonyms() -> tuple[Synonym, ...]:
    return tuple((row[0], row[1], row[2] if len(row) > 2 else 0.9) for row in EN_SYNONYMS)


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
        zh_synonyms, en_synonyms = learned_synonyms()
        words = [doc.name for doc in docs] + [phrase for phrases, _t, _w in zh_synonyms for phrase in phrases]
        for doc in docs:
            words.extend(a.strip() for a in doc.fields.get("aliases", "").split(",") if a.strip())
        text.add_words(words)
        index = Index(docs, synonyms=zh_synonyms, en_synonyms=(*_static_en_synonyms(), *en_synonyms))
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
        return SearchResult("", [], [], 0.0, gettext("请输入您要办的事，例如：我想开个小饭馆"))
    index = current_index()
    hits = index.search(query, limit=max(1, min(limit, 50)), audience=audience or None)
    suggestions = [] if hits else index.did_you_mean(query)
    message = "" if hits else gettext("没有找到相关的事项或一件事")
    return SearchResult(query, hits, suggestions, (time.perf_counter() - started) * 1000, message)


def item_codes(query: str) -> list[str]:
    """The catalog's search box (/catalog/?q=): codes of the items the guide finds, best first."""
    q = text.normalise(query)[:MAX_QUERY_LENGTH]
    if not q:
        return []
    return [hit.doc.code for hit in current_index().search(q, limit=200, kinds=("item",))]


#: the tables the index is built from: the warm-up waits for them (a fresh database has none before migrate)
INDEX_MODELS = (ServiceItem, ItemMaterial, Bundle, SynonymRow)


def index_tables_ready() -> bool:
    """Whether the tables the index reads exist yet (not before the first `migrate`)."""
    from django.db import DatabaseError, connection

    try:
        existing = set(connection.introspection.table_names())
    except DatabaseError:
        return False
    return all(model._meta.db_table in existing for model in INDEX_MODELS)


PAGE_TEMPLATES = ("base.html", "navigator/search.html", "navigator/_results.html")


def warm_pages() -> None:
    """What a process's first page pays once: the URL resolver's reverse table (once per language: the menu and
    every link reverse through it) and the guide page's templates compiled. Without this the first search page of
    each server process took 300-400 ms on the 2-core machine, every later one 40-50 ms."""
    from django.conf import settings
    from django.template.loader import get_template
    from django.urls import URLResolver, get_resolver
    from django.utils import translation

    def populate(resolver: URLResolver) -> None:
        resolver.reverse_dict  # noqa: B018 - reading it fills the root table for the active language
        # a namespaced name ("hall:board") reverses through a resolver made for that namespace on first use, with
        # a table of its own: reversing one name of each namespace makes and fills it
        for namespace, (_prefix, sub) in resolver.namespace_dict.items():
            name = next((key for key in sub.reverse_dict if isinstance(key, str)), None)
            if name is not None:
                with contextlib.suppress(NoReverseMatch):  # it needed arguments: the table is filled all the same
                    reverse(f"{namespace}:{name}")

    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            populate(get_resolver())
    for name in PAGE_TEMPLATES:
        get_template(name)


def warm_up() -> bool:
    """Load the dictionaries, prepare the guide's page and build the index (a server calls this once when it
    starts). On a database that is not migrated yet it builds nothing and says so in one line, no traceback: the
    first search builds the index. True when the index was built."""
    from django.db import DatabaseError, connection

    try:
        text.tokenizer()
        text.pinyin_key("预热")
        warm_pages()
        if not index_tables_ready():
            logger.info("navigator warm-up: the catalog tables are not there yet; the first search builds the index")
            return False
        current_index()
        return True
    except DatabaseError as exc:  # tables dropped or half-migrated under us: the first search builds the index
        logger.info("navigator warm-up: the catalog cannot be read yet (%s); the first search builds the index", exc)
        return False
    except Exception:
        logger.warning("navigator warm-up skipped", exc_info=True)
        return False
    finally:
        connection.close()
