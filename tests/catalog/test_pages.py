from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from onewindow.core.access import Role
from tests.catalog.conftest import SmallCatalog, add_item


def test_anonymous_visitor_browses_searches_and_filters_the_catalog(small_catalog: SmallCatalog) -> None:
    client = Client()
    page = client.get("/catalog/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "失业登记" in html and "食品经营许可" in html and "草稿事项" not in html
    assert "失业登记" in client.get("/catalog/", {"q": "下岗"}).content.decode()  # alias
    assert "社会保障卡申领" in client.get("/catalog/", {"q": "T-002"}).content.decode()  # code
    by_dept = client.get("/catalog/", {"department": "T-HL"}).content.decode()
    assert "食品经营许可" in by_dept and "失业登记" not in by_dept
    by_parent = client.get("/catalog/", {"department": "T-FA"}).content.decode()
    assert "失业登记" in by_parent and "食品经营许可" not in by_parent
    enterprise = client.get("/catalog/", {"audience": "enterprise"}).content.decode()
    assert "食品经营许可" in enterprise and "旅馆业" in enterprise and "失业登记" not in enterprise
    category = client.get("/catalog/", {"category": "t-hr"}).content.decode()
    assert "社会保障卡申领" in category and "食品经营许可" not in category
    assert "没有找到" in client.get("/catalog/", {"q": "不存在的事项"}).content.decode()
    tabs = client.get("/catalog/", {"audience": "enterprise", "category": "t-hr"}).content.decode()
    assert 'href="?category=t-business&amp;audience=enterprise"' in tabs  # the tabs keep the other filters


def test_service_guide_shows_everything_a_citizen_needs(small_catalog: SmallCatalog) -> None:
    html = Client().get("/catalog/items/T-003/").content.decode()
    for text in ("食品经营许可", "受理条件", "申请材料", "营业执照", "免提交", "容缺后补", "20工作日", "5工作日",
                 "比法定时限缩短 75%", "最多跑", "不收费", "办理流程", "行政服务中心", "0593-6352021",
                 "/catalog/items/T-003/guide.pdf", "data-print"):
        assert text in html, text
    instant = Client().get("/catalog/items/T-001/").content.decode()
    assert "即办" in instant and "比法定时限缩短 100%" in instant and "不用跑" in instant
    fee = Client().get("/catalog/items/T-004/").content.decode()
    assert "每证工本费10元" in fee


def test_guide_pdf_downloads_as_a_pdf(small_catalog: SmallCatalog) -> None:
    response = Client().get("/catalog/items/T-003/guide.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]


def test_draft_and_unknown_items_are_not_public(small_catalog: SmallCatalog) -> None:
    assert Client().get("/catalog/items/T-005/").status_code == 404
    assert Client().get("/catalog/items/NOPE/").status_code == 404
    assert Client().get("/catalog/items/NOPE/guide.pdf").status_code == 404


def test_department_pages_list_their_items(small_catalog: SmallCatalog) -> None:
    listing = Client().get("/catalog/departments/").content.decode()
    assert "福安市人力资源和社会保障局" in listing and "福安市劳动就业中心" in listing
    page = Client().get("/catalog/departments/T-FA/").content.decode()
    assert "失业登记" in page and "社会保障卡申领" in page and "11350981003637522G" in page
    assert Client().get("/catalog/departments/NOPE/").status_code == 404


@pytest.mark.parametrize("role", list(Role))
def test_catalog_pages_render_for_every_role(small_catalog: SmallCatalog, client_for, role: Role) -> None:
    client = client_for(role)
    for url in ("/catalog/", "/catalog/?q=社保", "/catalog/items/T-002/", "/catalog/departments/",
                "/catalog/departments/T-HL/"):
        assert client.get(url).status_code == 200, url
    menu = client.get("/catalog/").content.decode()
    assert "办事指南" in menu
    assert ("事项管理" in menu) == (role == Role.CATALOG_ADMIN)


def test_manage_entry_sends_catalog_admin_to_the_admin_and_keeps_others_out(client_for) -> None:
    assert client_for(Role.CATALOG_ADMIN).get("/catalog/manage/")["Location"] == "/admin/catalog/"
    assert client_for(Role.CITIZEN).get("/catalog/manage/").status_code == 403


def test_list_page_query_count_does_not_grow_with_the_list(small_catalog: SmallCatalog,
                                                           django_assert_max_num_queries) -> None:
    client = Client()
    client.get("/catalog/")  # warm up (sessions, content types)
    with django_assert_max_num_queries(8):
        client.get("/catalog/")
    for n in range(30):
        add_item(f"T-X{n:03d}", f"批量事项{n}", small_catalog.hl, small_catalog.business)
    with django_assert_max_num_queries(8):
        assert "批量事项" in client.get("/catalog/").content.decode()
    with django_assert_max_num_queries(8):
        client.get("/catalog/departments/T-HL/")


@pytest.fixture
def restore_language() -> Iterator[None]:
    yield
    translation.activate(settings.LANGUAGE_CODE)  # the locale middleware leaves the last language active


def test_guide_and_list_speak_english_when_asked(small_catalog: SmallCatalog, restore_language: None) -> None:
    client = Client()
    client.cookies["django_language"] = "en"
    guide = client.get("/catalog/items/T-003/").content.decode()
    assert "Download PDF" in guide and "Materials" in guide and "20 working days" in guide
    assert "75% faster than the legal limit" in guide
    assert "items in all" in client.get("/catalog/").content.decode()
