"""The guide on the demo's real catalog: everyday Chinese, pinyin (spaced, joined, with tones), English and mixed
queries find the right bundle or item first, and say why in the catalog's own words."""

import pytest

pytestmark = pytest.mark.django_db


def results(client, q: str, **params) -> list[dict]:
    r = client.get("/api/v1/navigator", {"q": q, **params})
    assert r.status_code == 200
    return r.json()["results"]


@pytest.mark.parametrize(("query", "expected"), [
    # everyday Chinese for frequent services
    ("公积金提取", "住房公积金提取"),
    ("二手房过户", "二手房"),
    ("不动产登记", "不动产"),
    ("事业单位聘用备案", "事业单位聘用"),
    ("我想开个小饭馆", "我要开餐饮店"),
    ("社宝卡", "社会保障卡"),
    # pinyin: spaced, joined, with tone marks or tone numbers, mixed with Chinese
    ("kai fan guan", "我要开餐饮店"),
    ("kaifandian", "我要开餐饮店"),
    ("kāi fàn guǎn", "我要开餐饮店"),
    ("kai1 fan4 guan3", "我要开餐饮店"),
    ("she bao ka", "社会保障卡"),
    ("shebaoka", "社会保障卡"),
    ("shenfenzheng", "身份证"),
    ("gong ji jin ti qu", "住房公积金提取"),
    ("er shou fang", "二手房"),
    ("我要开kafeidian", "我要开"),
    # English
    ("open a restaurant", "我要开餐饮店"),
    ("social security card", "社会保障卡"),
    ("I lost my job", "失业一件事"),
    ("housing fund withdrawal", "住房公积金提取"),
    ("I want to get married", "结婚"),
    ("register a newborn", "新生儿"),
    ("open a hair salon", "美容美发"),
    ("how do I get a business licence", "企业开办"),
    ("open a restarant", "我要开餐饮店"),  # a typo
    ("社保卡 lost", "社会保障卡"),  # mixed
])
def test_everyday_chinese_pinyin_and_english_find_the_right_service_first(client, demo_catalog, query, expected):
    found = results(client, query)
    assert found, query
    assert expected in found[0]["name"], [r["name"] for r in found[:3]]


def test_kaifandian_is_not_drowned_by_salons_or_chemicals(client, demo_catalog):
    names = [r["name"] for r in results(client, "kaifandian")[:3]]
    assert names[0] == "我要开餐饮店"
    assert not any("美容美发" in n or "易制毒" in n for n in names), names


def test_opening_a_restaurant_ranks_the_licence_above_its_cancellation(client, demo_catalog):
    names = [r["name"] for r in results(client, "开饭馆")]
    assert "食品经营许可" in names
    assert "食品经营许可注销" not in names or names.index("食品经营许可") < names.index("食品经营许可注销")


def test_each_answer_says_why_in_the_catalogs_words(client, demo_catalog):
    first = results(client, "kai fan guan")[0]
    assert first["reason"] and all("→" not in r and "（" not in r for r in first["reason"])
    assert any("餐饮" in r or "饭馆" in r for r in first["reason"])
    english = results(client, "open a restaurant")[0]
    assert english["name_en"] == "Open a restaurant"
    assert any(r.lower() == "open a restaurant" or "餐饮" in r for r in english["reason"])


def test_english_page_shows_english_names_with_the_chinese_beside(client, demo_catalog):
    html = client.get("/navigator/", {"q": "open a restaurant"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert ">Open a restaurant</a>" in html
    assert '<span class="muted small" lang="zh">我要开餐饮店</span>' in html
    assert "匹配" not in html and "Matches" in html


def test_catalog_search_box_uses_the_guide(client, demo_catalog):
    html = client.get("/catalog/", {"q": "shenfenzheng"}).content.decode()
    assert "居民身份证" in html
    english = client.get("/catalog/", {"q": "housing fund withdrawal"}).content.decode()
    assert "住房公积金提取" in english
    by_code = client.get("/catalog/", {"q": "350206-2000306001"}).content.decode()
    assert "住房公积金提取（购买自住住房）" in by_code


@pytest.mark.parametrize(("query", "expected"), [
    ("工伤认定", "工伤认定申请"),  # names the item itself: the item, not the bundle 工伤一件事
    ("shiye dengji", "失业登记"),
    ("工伤了", "工伤一件事"),  # a life event: the bundle
    ("sheng yu jin tie", "生育津贴支付"),
])
def test_a_query_naming_an_item_finds_the_item_and_a_life_event_the_bundle(client, demo_catalog, query, expected):
    assert results(client, query)[0]["name"] == expected


@pytest.mark.parametrize(("query", "expected"), [
    ("身份证丢了", "居民身份证补领"),
    ("身份证过期了", "居民身份证换领"),
    ("lost my ID card", "居民身份证补领"),
    ("my ID card expired", "居民身份证换领"),
    ("renew my passport", "普通护照换发、补发"),
    ("she bao ka bu ban", "社会保障卡补"),
    # 身份证 is a material of almost every item: it still names the ID card services (rarity counted over names)
    ("身份证补办", "居民身份证补领"),
    ("Shēnfènzhèng bǔbàn", "居民身份证补领"),
])
def test_what_the_query_asks_to_do_with_a_document_picks_the_service_that_does_it(client, demo_catalog, query,
                                                                                  expected):
    assert results(client, query)[0]["name"].startswith(expected)


@pytest.mark.parametrize(("query", "expected", "not_first"), [
    ("food business licence", "食品经营许可", "企业设立登记"),  # "business licence" inside the item's own name
    ("passport", "普通护照签发", "往来港澳通行证及签注签发"),
    ("KTV许可证", "娱乐场所经营许可", "食品经营许可证补办"),  # a synonym in Latin letters inside Chinese
])
def test_english_concepts_map_to_the_catalogs_service(client, demo_catalog, query, expected, not_first):
    names = [r["name"] for r in results(client, query)]
    assert names[0] == expected, names[:3]
    assert not_first not in names[:1]


@pytest.mark.parametrize("query", ["kai fan guan", "she bao ka", "结昏登记", "社宝卡丢了", "open a restarant",
                                   "I lost my job", "shīyè jīn", "身份证过期了", "公章刻制被案"])
def test_the_reason_a_citizen_sees_is_plain_catalog_words(client, demo_catalog, query):
    found = results(client, query)
    assert found
    for r in found[:3]:
        assert r["reason"], r["name"]
        for word in r["reason"]:
            assert not any(mark in word for mark in ("→", "≈", "（", "同音", "整词", "w:", "p:", "e:")), word
    if query == "结昏登记":  # a wrong character is told as the catalog's word it sounds like
        assert any("结婚" in word for word in found[0]["reason"]), found[0]["reason"]
