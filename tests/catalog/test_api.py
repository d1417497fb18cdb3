from django.test import Client

from tests.catalog.conftest import SmallCatalog, add_item


def test_api_lists_departments(small_catalog: SmallCatalog) -> None:
    data = Client().get("/api/v1/departments").json()
    by_code = {d["code"]: d for d in data}
    assert by_code["T-FA-JY"]["parent"] == "T-FA"
    assert by_code["T-FA"]["credit_code"] == "11350981003637522G"


def test_api_filters_items(small_catalog: SmallCatalog) -> None:
    api = Client()
    everything = api.get("/api/v1/items").json()
    assert everything["count"] == 4  # drafts are not listed
    codes = lambda **q: {i["code"] for i in api.get("/api/v1/items", q).json()["items"]}  # noqa: E731
    assert codes(department="T-HL") == {"T-003", "T-004"}
    assert codes(department="T-FA") == {"T-001", "T-002"}  # includes the sub-department's items
    assert codes(category="t-hr") == {"T-001", "T-002"}
    assert codes(audience="person") == {"T-001", "T-002", "T-004"}  # "both" serves persons too
    assert codes(audience="enterprise") == {"T-003", "T-004"}
    assert codes(q="社保卡") == {"T-002"}
    assert codes(q="食品", department="T-HL") == {"T-003"}
    first = api.get("/api/v1/items", {"q": "失业"}).json()["items"][0]
    assert first["handling_type"] == "1" and first["speedup"].startswith("比法定时限缩短 100%")


def test_api_paginates_items_with_a_count(small_catalog: SmallCatalog) -> None:
    for n in range(21):
        add_item(f"T-P{n:03d}", f"分页事项{n}", small_catalog.hl, small_catalog.business)
    api = Client()
    first = api.get("/api/v1/items", {"q": "分页", "page_size": 10}).json()
    assert (first["count"], first["page"], first["pages"], len(first["items"])) == (21, 1, 3, 10)
    last = api.get("/api/v1/items", {"q": "分页", "page_size": 10, "page": 3}).json()
    assert len(last["items"]) == 1
    seen = {i["code"] for p in (1, 2, 3) for i in api.get("/api/v1/items", {"q": "分页", "page_size": 10,
                                                                            "page": p}).json()["items"]}
    assert len(seen) == 21
    bad = api.get("/api/v1/items", {"page_size": 1000})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "page_size"


def test_api_item_detail_has_materials(small_catalog: SmallCatalog) -> None:
    data = Client().get("/api/v1/items/T-003").json()
    assert data["name"] == "食品经营许可" and data["department"] == "T-HL"
    assert [m["code"] for m in data["materials"]] == ["t_licence", "t_plan", "t_form"]
    assert data["materials"][0]["source"] == "40" and data["materials"][1]["necessity"] == "3"
    assert data["pdf_url"] == "/catalog/items/T-003/guide.pdf"


def test_api_unknown_or_draft_item_is_404_in_the_common_error_shape(small_catalog: SmallCatalog) -> None:
    for code in ("NOPE", "T-005"):
        response = Client().get(f"/api/v1/items/{code}")
        assert response.status_code == 404
        body = response.json()
        assert set(body) == {"detail", "errors"} and body["errors"][0]["field"] == "code"


def test_openapi_documents_the_catalog_schemas(db: None) -> None:
    spec = Client().get("/api/openapi.json").json()
    items = spec["paths"]["/api/v1/items"]["get"]
    assert {p["name"] for p in items["parameters"]} >= {"department", "category", "audience", "q", "page", "page_size"}
    detail = spec["paths"]["/api/v1/items/{code}"]["get"]["responses"]
    assert "404" in detail and "200" in detail
    schemas = spec["components"]["schemas"]
    assert "materials" in schemas["ItemDetailOut"]["properties"]
    assert "count" in schemas["ItemPageOut"]["properties"]


def test_api_list_query_count_does_not_grow(small_catalog: SmallCatalog, django_assert_max_num_queries) -> None:
    for n in range(40):
        add_item(f"T-Q{n:03d}", f"计数事项{n}", small_catalog.hl, small_catalog.business)
    with django_assert_max_num_queries(3):
        assert len(Client().get("/api/v1/items", {"page_size": 50}).json()["items"]) == 44
    with django_assert_max_num_queries(4):
        Client().get("/api/v1/items/T-003")


def test_api_carries_english_names_and_the_speedup_figures(small_catalog: SmallCatalog) -> None:
    from onewindow.catalog.models import CanonicalMaterial, Department, ServiceItem

    Department.objects.filter(code="T-FA").update(name_en="Fu'an Human Resources and Social Security Bureau",
                                                  short_name_en="HR bureau")
    ServiceItem.objects.filter(code="T-002").update(
        name_en="Social security card", aliases_en="SSC, lost card", result_name_en="Card", speedup="achieved",
        speedup_before_limit=20, speedup_standard_limit=10)
    CanonicalMaterial.objects.filter(code="t_id").update(name_en="ID card")
    api = Client()
    fa = next(d for d in api.get("/api/v1/departments").json() if d["code"] == "T-FA")
    assert (fa["name_en"], fa["short_name_en"]) == ("Fu'an Human Resources and Social Security Bureau", "HR bureau")
    card = api.get("/api/v1/items/T-002").json()
    assert (card["name_en"], card["aliases_en"], card["result_name_en"]) == (
        "Social security card", ["SSC", "lost card"], "Card")
    assert (card["speedup_status"], card["speedup_before_limit"], card["speedup_standard_limit"]) == (
        "achieved", 20, 10)
    assert card["materials"][0]["name_en"] == "ID card"
    plain = api.get("/api/v1/items/T-003").json()
    assert (plain["name_en"], plain["speedup_status"], plain["speedup_before_limit"]) == ("", "", None)
