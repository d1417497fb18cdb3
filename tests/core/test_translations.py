"""The English translation: every catalog complete, pages and API errors in English when asked for."""

import re
from pathlib import Path

import polib
import pytest
from django.test import Client

import onewindow

PACKAGE_DIR = Path(onewindow.__file__).resolve().parent
PO_FILES = sorted(PACKAGE_DIR.glob("**/locale/en/LC_MESSAGES/django.po"))
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def _repeated(text: str) -> bool:
    """The same translation pasted more than once in a row (a long text, so "No. No." style phrases pass)."""
    text = text.strip()
    return len(text) > 60 and any(len(text) % n == 0 and text == text[: len(text) // n] * n for n in (2, 3, 4))


PLACEHOLDER = re.compile(r"%\(\w+\)[sdfr]|%[sdf]|\{\w*\}")


def test_every_app_with_ui_text_has_an_english_catalog() -> None:
    apps = {p.parent.name for p in PACKAGE_DIR.glob("*/apps.py")}
    with_catalog = {p.parents[3].name for p in PO_FILES}
    assert apps <= with_catalog, f"apps without locale/en/LC_MESSAGES/django.po: {sorted(apps - with_catalog)}"
    assert (PACKAGE_DIR / "locale/en/LC_MESSAGES/django.po") in PO_FILES  # settings.py / api.py strings


@pytest.mark.parametrize("po", PO_FILES, ids=lambda p: str(p.relative_to(PACKAGE_DIR)))
def test_catalog_has_no_untranslated_or_fuzzy_entries(po: Path) -> None:
    messages = [e for e in polib.pofile(str(po)) if e.msgid and not e.obsolete]
    assert messages, f"{po} has no messages"
    problems = []
    for e in messages:
        strs = [e.msgstr_plural.get(i, "") for i in range(2)] if e.msgid_plural else [e.msgstr]
        if "fuzzy" in e.flags:
            problems.append(f"fuzzy: {e.msgid!r}")
        elif not all(s.strip() for s in strs):
            problems.append(f"untranslated: {e.msgid!r}")
        elif any(s == e.msgid and CJK.search(s) for s in strs):
            problems.append(f"Chinese source copied as the translation: {e.msgid!r}")
        elif any(_repeated(s) for s in strs):
            problems.append(f"translation repeats itself: {e.msgid!r}")
        sources = [e.msgid, e.msgid_plural or e.msgid]
        for src, dst in zip(sources, strs, strict=False):
            if sorted(PLACEHOLDER.findall(src)) != sorted(PLACEHOLDER.findall(dst)):
                problems.append(f"placeholders differ: {src!r} → {dst!r}")
    assert not problems, f"{po.relative_to(PACKAGE_DIR)}:\n" + "\n".join(problems[:40])


def test_every_catalog_is_compiled() -> None:
    missing = [str(po.with_suffix(".mo").relative_to(PACKAGE_DIR)) for po in PO_FILES
               if not po.with_suffix(".mo").exists()]
    assert not missing, f"run django-admin compilemessages: {missing}"


def _visible_cjk(html: str) -> list[str]:
    """Chinese text left on a page, ignoring the language switch button (its label is meant to be Chinese)
    the logo glyph (政, aria-hidden) and search placeholders, whose example terms stay Chinese because the
    catalog data they search is Chinese."""
    html = re.sub(r'placeholder="[^"]*"', "", html)
    html = re.sub(r'<span class="brand-mark"[^>]*>[^<]*</span>', "", html)
    html = re.sub(r'<button[^>]*lang="zh-hans"[^>]*>.*?</button>', "", html, flags=re.S)
    return sorted(set(CJK.findall(html)))


@pytest.mark.django_db
def test_home_page_is_in_english_when_the_browser_asks_for_it() -> None:
    english = Client(HTTP_ACCEPT_LANGUAGE="en").get("/")
    chinese = Client(HTTP_ACCEPT_LANGUAGE="zh-CN").get("/")
    assert english.status_code == chinese.status_code == 200
    text = english.content.decode()
    assert '<html lang="en"' in text
    assert "What do you need to do?" in text and "Skip to main content" in text
    assert "您想办什么事？" in chinese.content.decode()
    assert _visible_cjk(text) == [], f"Chinese left on the English home page: {''.join(_visible_cjk(text))}"


@pytest.mark.django_db
def test_language_button_switches_the_catalog_to_english_and_back() -> None:
    client = Client()
    assert "办事指南" in client.get("/catalog/").content.decode()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/catalog/"})
    assert response.status_code == 302 and response["Location"] == "/catalog/"
    page = client.get("/catalog/").content.decode()
    assert '<html lang="en"' in page and "Service guide" in page and "办事指南" not in page
    assert _visible_cjk(page) == [], f"Chinese left on the English catalog page: {''.join(_visible_cjk(page))}"
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/catalog/"})
    assert "办事指南" in client.get("/catalog/").content.decode()


@pytest.mark.django_db
def test_api_errors_come_back_in_english_when_the_request_asks_for_english() -> None:
    english = Client(HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/bundles/NO-SUCH-BUNDLE")
    chinese = Client(HTTP_ACCEPT_LANGUAGE="zh-CN").get("/api/v1/bundles/NO-SUCH-BUNDLE")
    assert english.status_code == chinese.status_code == 404
    assert english.json()["detail"] == "“One Thing” bundle not found: NO-SUCH-BUNDLE"
    assert chinese.json()["detail"] == "未找到该一件事：NO-SUCH-BUNDLE"


@pytest.mark.django_db
def test_api_validation_errors_are_english_too() -> None:
    response = Client(HTTP_ACCEPT_LANGUAGE="en").post(
        "/api/v1/bundles/NO-SUCH-BUNDLE/notice", data="not json", content_type="application/json")
    assert response.status_code in (400, 404, 422)
    assert not CJK.search(response.json()["detail"]), response.json()
