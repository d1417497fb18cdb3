"""The smart guide: everyday words lead to the right bundle or item; the index follows catalog changes."""

import pytest

from onewindow.navigator import selectors


def top(client, q: str, **params) -> list[dict]:
    r = client.get("/api/v1/navigator", {"q": q, **params})
    assert r.status_code == 200
    return r.json()["results"]


@pytest.mark.parametrize(("query", "kind", "code"), [
    ("我想开个小饭馆", "bundle", "B-CANYIN"),
    ("被辞退了", "bundle", "B-JIECHU"),
    ("办退休", "bundle", "B-TUIXIU"),
    ("退休手续怎么办", "bundle", "B-TUIXIU"),
    ("我要开旅馆", "bundle", "B-LVGUAN"),
    ("开个药房", "bundle", "B-YAODIAN"),
    ("公司要招人", "bundle", "B-ZHAOGONG"),
])
def test_everyday_words_find_the_bundle_first(client, guide_catalog, query, kind, code):
    results = top(client, query)
    assert (results[0]["type"], results[0]["code"]) == (kind, code), [r["name"] for r in results]


def test_lost_social_security_card_finds_the_card_services(client, guide_catalog):
    results = top(client, "社保卡丢了")
    assert "社会保障卡" in results[0]["name"]
    assert {"T-105", "B-SBK"} <= {r["code"] for r in results[:3]}
    why = results[0]["why"]
    assert any("社保卡 → 社会保障卡" in s for s in why["synonyms"])


def test_results_say_why_they_matched_and_link_to_the_page(client, guide_catalog):
    first = top(client, "我想开个小饭馆")[0]
    assert first["url"] == "/bundles/B-CANYIN/"
    assert any(s.startswith("小饭馆 → 餐饮") for s in first["why"]["synonyms"])
    assert first["why"]["matched"]


def test_typos_and_pinyin_still_find_the_service(client, guide_catalog):
    assert "社会保障卡" in top(client, "社宝卡")[0]["name"]  # wrong character, same sound
    assert "退休" in top(client, "办退修")[0]["name"]
    assert "社会保障卡" in top(client, "shebaoka")[0]["name"]


def test_audience_filter_keeps_personal_or_enterprise_services(client, guide_catalog):
    assert all(r["audience"] in ("enterprise", "both") for r in top(client, "失业", audience="enterprise"))
    assert all(r["audience"] in ("person", "both") for r in top(client, "失业", audience="person"))


def test_index_is_rebuilt_after_an_item_is_renamed(client, guide_catalog):
    assert top(client, "灯箱广告") == []
    item = guide_catalog["T-1701"]
    item.name = "灯箱广告设置审核"
    item.save()
    results = top(client, "灯箱广告")
    assert results[0]["code"] == "T-1701" and results[0]["name"] == "灯箱广告设置审核"
    item.status = "retired"
    item.save()
    assert not any(r["code"] == "T-1701" for r in top(client, "灯箱广告"))


def test_the_index_is_reused_while_the_catalog_is_unchanged(guide_catalog, django_assert_max_num_queries):
    first = selectors.current_index()
    with django_assert_max_num_queries(1):  # the fingerprint only (items, bundles, synonyms in one statement)
        assert selectors.current_index() is first


@pytest.mark.parametrize("query", ["", "   ", "？？？！！", "的了吗", "asdfgh", "x" * 5000, "<script>alert(1)</script>",
                                   "'; drop table catalog_serviceitem; --"])
def test_empty_and_garbage_queries_answer_cleanly(client, guide_catalog, query):
    r = client.get("/api/v1/navigator", {"q": query})
    assert r.status_code == 200
    data = r.json()
    assert data["count"] == len(data["results"]) == 0
    assert data["message"]
    page = client.get("/navigator/", {"q": query})
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.content.decode()


def test_no_result_offers_did_you_mean(client, guide_catalog):
    r = client.get("/api/v1/navigator", {"q": "户外招牌设置审合证"}).json()
    assert r["count"] >= 1 or r["did_you_mean"]
    miss = client.get("/api/v1/navigator", {"q": "旅官业特中行业"}).json()
    assert miss["count"] >= 1 or "旅馆业特种行业许可证核发" in miss["did_you_mean"]
    page = client.get("/navigator/", {"q": "宾官"}).content.decode()
    assert "您是不是要找" in page or "旅馆" in page


def test_search_page_lists_results_and_the_kiosk_box_renders(client, guide_catalog):
    html = client.get("/navigator/", {"q": "我想开个小饭馆"}).content.decode()
    assert "我要开餐饮店" in html and "一件事" in html
    # citizens see the catalog's words the query matched, never the engine's internals
    assert "餐饮" in html.split("nav-why", 1)[1] and "→" not in html and "（名称）" not in html
    partial = client.get("/navigator/", {"q": "办退休"}, HTTP_HX_REQUEST="true").content.decode()
    assert "职工退休" in partial and "<html" not in partial
    from django.template.loader import render_to_string

    box = render_to_string("navigator/_search_box.html", {"big": True})
    assert 'action="/navigator/"' in box and 'name="q"' in box
