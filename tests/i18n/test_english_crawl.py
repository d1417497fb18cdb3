"""Every page a role can reach, read in English, carries no untranslated interface text.

For each role (and an anonymous visitor) the crawl starts at the home page, follows the links on each page it
opens (same site, GET pages only, a few URLs per route, a bounded number of pages) and reads every text node and
the visible attributes (title, placeholder, aria-label, alt, button values) and the text of every chart (the
plotly JSON in data-figure, drawn in the browser). Chinese text is allowed only inside
an element marked lang="zh" (names and free text that exist only in Chinese); anything else is interface text
that was not translated.
"""

from __future__ import annotations

import json
import os
import re
from collections import defaultdict
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

from onewindow.core.access import Role

pytestmark = [pytest.mark.django_db, pytest.mark.once_on_postgres]

CJK = re.compile(r"[\u4e00-\u9fff]")
VOID = {"br", "img", "input", "meta", "link", "hr", "source", "wbr", "area", "col", "embed", "param", "track"}
SKIP_TEXT = {"script", "style", "template", "noscript"}
ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
SKIP_PREFIXES = ("/admin/", "/i18n/", "/static/", "/media/", "/api/", "/accounts/logout")
SKIP_SUFFIXES = (".pdf", ".xlsx", ".csv", ".ics", ".json", ".png", ".svg", ".jpg", ".zip", ".xml", ".txt")
MAX_PAGES = 150  # per role
PER_ROUTE = 2  # URLs opened per route (an item page or two stands for all 513)
ROLES: list[str | None] = [None, *(role for role in Role if role != "outlet_staff")]


def chart_texts(figure: str) -> list[str]:
    """Every string of a chart's plotly JSON (data-figure): what the browser draws as text, colours aside."""
    try:
        tree = json.loads(figure)
    except ValueError:
        return [f"invalid chart JSON: {figure[:40]}"]
    texts: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, str):
            texts.append(node)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(tree)
    return texts


class Reader(HTMLParser):
    """Untranslated text (Chinese outside lang="zh") and the links of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool, bool]] = []  # (tag, inside lang="zh", text skipped)
        self.found: list[str] = []
        self.links: list[str] = []

    def _zh(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def _skipped(self) -> bool:
        return bool(self.stack) and self.stack[-1][2]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        lang = values.get("lang")
        zh = lang.lower().startswith("zh") if lang is not None else self._zh()
        if not zh:
            shown = [values.get(a, "") for a in ATTRIBUTES]
            if tag == "input" and values.get("type") in ("submit", "button"):
                shown.append(values.get("value", ""))
            self.found += [f"<{tag} {v.strip()[:60]}>" for v in shown if CJK.search(v)]
        if not zh and values.get("data-figure"):  # a chart: its titles, axes, series and categories, drawn by JS
            self.found += [f"<chart {t[:60]}>" for t in chart_texts(values["data-figure"]) if CJK.search(t)]
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        if tag not in VOID:
            self.stack.append((tag, zh, tag in SKIP_TEXT or self._skipped()))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        if not self._zh() and not self._skipped() and CJK.search(data):
            self.found.append(" ".join(data.split())[:80])


def route_of(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.route or match.view_name


def crawlable(href: str) -> str | None:
    href, _fragment = urldefrag(href)
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    if parts.path.startswith(SKIP_PREFIXES) or parts.path.lower().endswith(SKIP_SUFFIXES):
        return None
    return href


def crawl(client: Client) -> tuple[dict[str, list[str]], int]:
    """{url: untranslated texts} over the pages reachable from the home page, and the number of pages read."""
    queue, seen, per_route = ["/"], {"/"}, defaultdict(int)
    problems: dict[str, list[str]] = {}
    pages = 0
    while queue and pages < MAX_PAGES:
        url = queue.pop(0)
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        pages += 1
        reader = Reader()
        reader.feed(response.content.decode())
        if reader.found:
            problems[url] = sorted(set(reader.found))
        for href in reader.links:
            target = crawlable(href)
            if target is None or target in seen:
                continue
            route = route_of(urlsplit(target).path)
            if route is None or per_route[route] >= PER_ROUTE:
                continue
            per_route[route] += 1
            seen.add(target)
            queue.append(target)
    return problems, pages


@pytest.fixture
def a_hall(db: None) -> None:
    """The hall pages open on a hall: an install has at least one."""
    from onewindow.hall.models import Hall

    Hall.objects.create(code="huli", name="湖里区政务服务中心", name_en="Huli District Government Service Centre")


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
def test_every_page_a_role_reaches_is_translated_in_english(demo_catalog, a_hall, client_for, role):
    from onewindow.catalog.models import Department

    department = Department.objects.get(code="HL-SCJ")
    client = Client() if role is None else client_for(role, department=department)
    client.cookies["django_language"] = "en"
    problems, pages = crawl(client)
    if os.environ.get("OW_CRAWL_DUMP"):  # OW_CRAWL_DUMP=/tmp/crawl.jsonl: every page's findings, for translators
        with open(os.environ["OW_CRAWL_DUMP"], "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"role": role, "problems": problems}, ensure_ascii=False) + "\n")
    assert pages >= 5, "the crawl found the site"
    report = "\n".join(f"{url}\n    " + "\n    ".join(texts[:8]) for url, texts in sorted(problems.items()))
    assert not problems, f"{len(problems)} of {pages} pages show untranslated text:\n{report}"
