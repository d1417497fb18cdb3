import io
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from onewindow.catalog.models import ItemHistory, ItemStatus, ServiceItem
from onewindow.catalog.services import grant_catalog_admin_permissions
from onewindow.catalog.transfer import catalog_export_xlsx
from onewindow.core.access import Role
from tests.catalog.conftest import SmallCatalog
from tests.catalog.test_transfer import edited, snapshot


@pytest.fixture
def admin_client(make_user, small_catalog: SmallCatalog) -> Client:
    user: User = make_user("catalog_admin_t", Role.CATALOG_ADMIN)
    user.is_staff = True
    user.save()
    grant_catalog_admin_permissions()
    client = Client()
    client.force_login(user)
    return client


def test_catalog_admin_can_open_every_catalog_admin_page(admin_client: Client, small_catalog: SmallCatalog) -> None:
    item = small_catalog.items["food"]
    urls = ["/admin/", "/admin/catalog/", "/admin/catalog/serviceitem/", "/admin/catalog/serviceitem/add/",
            f"/admin/catalog/serviceitem/{item.pk}/change/", "/admin/catalog/department/",
            f"/admin/catalog/department/{small_catalog.fa.pk}/change/", "/admin/catalog/windowcategory/",
            "/admin/catalog/canonicalmaterial/", "/admin/catalog/itemmaterial/", "/admin/catalog/itemhistory/",
            "/admin/catalog/serviceitem/import/", "/admin/core/officialday/", "/admin/core/calendaryear/",
            f"/admin/catalog/serviceitem/?department__id__exact={small_catalog.hl.pk}&status=published&item_type=01",
            "/admin/catalog/serviceitem/?q=社保卡"]
    for url in urls:
        assert admin_client.get(url).status_code == 200, url
    change_list = admin_client.get("/admin/catalog/serviceitem/").content.decode()
    assert "食品经营许可" in change_list and "导出 Excel" in change_list and "国家标准事项表 CSV" in change_list
    assert "社会保障卡申领" in admin_client.get("/admin/catalog/serviceitem/?q=社保卡").content.decode()


def test_other_roles_cannot_open_the_catalog_admin(client_for, small_catalog: SmallCatalog) -> None:
    response = client_for(Role.CLERK).get("/admin/catalog/serviceitem/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def _form_data(response: Any) -> dict[str, Any]:
    """The POST data a browser would send back for an admin change form as rendered."""
    data: dict[str, Any] = {}

    def put(form: Any, name: str) -> None:
        value = form[name].value()
        key = form.add_prefix(name)
        if isinstance(value, bool):
            if value:
                data[key] = "on"
        elif value is not None:
            data[key] = value
    form = response.context["adminform"].form
    for name in form.fields:
        put(form, name)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            data[f"{formset.prefix}-{name}"] = formset.management_form[name].value()
        for f in formset.forms:
            for name in f.fields:
                put(f, name)
    return data


def test_changing_limits_in_the_admin_bumps_the_version_and_writes_history(admin_client: Client,
                                                                          small_catalog: SmallCatalog) -> None:
    item = small_catalog.items["card"]
    url = f"/admin/catalog/serviceitem/{item.pk}/change/"
    data = _form_data(admin_client.get(url))
    data["promised_limit"] = 3
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    item.refresh_from_db()
    assert (item.promised_limit, item.version) == (3, 2)
    assert list(ItemHistory.objects.filter(item=item).values_list("version", "promised_limit")) == [(1, 10), (2, 3)]
    # editing text only keeps the version
    data = _form_data(admin_client.get(url))
    data["hours"] = "周一至周五"
    assert admin_client.post(url, data).status_code == 302
    item.refresh_from_db()
    assert (item.hours, item.version) == ("周一至周五", 2)
    assert "修改：承诺办结时限" in admin_client.get(url).content.decode()  # history inline


def test_admin_refuses_a_promise_longer_than_the_law(admin_client: Client, small_catalog: SmallCatalog) -> None:
    item = small_catalog.items["card"]
    url = f"/admin/catalog/serviceitem/{item.pk}/change/"
    data = _form_data(admin_client.get(url))
    data["promised_limit"] = 99
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "承诺办结时限不能超过法定办结时限" in response.content.decode()
    item.refresh_from_db()
    assert (item.promised_limit, item.version) == (10, 1)


def test_publish_and_retire_actions(admin_client: Client, small_catalog: SmallCatalog) -> None:
    draft, food = small_catalog.items["draft"], small_catalog.items["food"]
    admin_client.post("/admin/catalog/serviceitem/", {"action": "publish_items", "_selected_action": [draft.pk]})
    admin_client.post("/admin/catalog/serviceitem/", {"action": "retire_items", "_selected_action": [food.pk]})
    assert ServiceItem.objects.get(pk=draft.pk).status == ItemStatus.PUBLISHED
    assert ServiceItem.objects.get(pk=food.pk).status == ItemStatus.RETIRED
    assert Client().get("/catalog/items/T-003/").status_code == 404


def test_admin_import_page_lists_every_error_and_imports_a_good_file(admin_client: Client,
                                                                    small_catalog: SmallCatalog) -> None:
    before = snapshot()
    bad = edited(catalog_export_xlsx(), {"事项": {"D3": "99"}, "材料": {"G3": -1, "F5": "大概"}})
    bad.name = "bad.xlsx"
    response = admin_client.post("/admin/catalog/serviceitem/import/", {"file": bad})
    assert response.status_code == 400
    html = response.content.decode()
    assert "事项!D3" in html and "材料!G3" in html and "材料!F5" in html and "3 处错误" in html
    assert snapshot() == before
    good = edited(catalog_export_xlsx(), {"事项": {"B3": "社会保障卡申领（新）"}})
    good.name = "good.xlsx"
    response = admin_client.post("/admin/catalog/serviceitem/import/", {"file": good})
    assert response.status_code == 200 and "更新 1 个" in response.content.decode()
    assert ServiceItem.objects.get(code="T-002").name == "社会保障卡申领（新）"


def test_admin_downloads_excel_and_national_csv(admin_client: Client, small_catalog: SmallCatalog) -> None:
    xlsx = admin_client.get("/admin/catalog/serviceitem/export.xlsx")
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    from openpyxl import load_workbook
    assert load_workbook(io.BytesIO(xlsx.content)).sheetnames == ["事项", "材料"]
    basic = admin_client.get("/admin/catalog/serviceitem/national-basic.csv")
    assert basic.status_code == 200 and basic.content.decode("utf-8-sig").startswith("task_name,catalog_code,task_code")
    material = admin_client.get("/admin/catalog/serviceitem/national-material.csv")
    assert "material_name" in material.content.decode("utf-8-sig").splitlines()[0]


def test_catalog_admin_adds_an_item_with_a_material_and_version_one_is_recorded(admin_client: Client,
                                                                               small_catalog: SmallCatalog) -> None:
    data = _form_data(admin_client.get("/admin/catalog/serviceitem/add/"))
    data.update({"name": "新设事项", "code": "T-ADD", "department": small_catalog.hl.pk, "legal_limit": 20,
                 "promised_limit": 5, "max_visits": 1, "visits_reason": "需现场核验原件",
                 "materials-TOTAL_FORMS": 1, "materials-0-material": small_catalog.materials["t_id"].pk,
                 "materials-0-source": "10", "materials-0-necessity": "1", "materials-0-originals": 1,
                 "materials-0-copies": 1, "materials-0-form": "both", "materials-0-order": 10})
    response = admin_client.post("/admin/catalog/serviceitem/add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    item = ServiceItem.objects.get(code="T-ADD")
    assert [im.material.code for im in item.materials.all()] == ["t_id"]
    assert list(item.history.values_list("version", "promised_limit", "material_count")) == [(1, 5, 1)]
