import io

import pytest
from django.contrib.auth.models import User
from django.test import Client

from onewindow.catalog.models import ItemHistory, ItemStatus, ServiceItem
from onewindow.catalog.services.permissions import grant_catalog_admin_permissions
from onewindow.catalog.transfer.export import catalog_export_xlsx
from onewindow.core.access import Role
from tests.catalog.admin_forms import admin_form_data
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


def test_changing_limits_in_the_admin_bumps_the_version_and_writes_history(admin_client: Client,
                                                                          small_catalog: SmallCatalog) -> None:
    item = small_catalog.items["card"]
    url = f"/admin/catalog/serviceitem/{item.pk}/change/"
    data = admin_form_data(admin_client.get(url))
    data["promised_limit"] = 3
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    item.refresh_from_db()
    assert (item.promised_limit, item.version) == (3, 2)
    assert list(ItemHistory.objects.filter(item=item).values_list("version", "promised_limit")) == [(1, 10), (2, 3)]
    # editing text only keeps the version
    data = admin_form_data(admin_client.get(url))
    data["hours"] = "周一至周五"
    assert admin_client.post(url, data).status_code == 302
    item.refresh_from_db()
    assert (item.hours, item.version) == ("周一至周五", 2)
    assert "修改：承诺办结时限" in admin_client.get(url).content.decode()  # history inline


def test_admin_refuses_a_promise_longer_than_the_law(admin_client: Client, small_catalog: SmallCatalog) -> None:
    item = small_catalog.items["card"]
    url = f"/admin/catalog/serviceitem/{item.pk}/change/"
    data = admin_form_data(admin_client.get(url))
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
    data = admin_form_data(admin_client.get("/admin/catalog/serviceitem/add/"))
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


def test_the_status_moves_only_by_the_actions_each_an_event_and_an_audit_entry(admin_client: Client,
                                                                               small_catalog: SmallCatalog) -> None:
    from onewindow.catalog.models import ItemEvent
    from onewindow.core.models import AuditEntry

    draft = small_catalog.items["draft"]
    url = f"/admin/catalog/serviceitem/{draft.pk}/change/"
    data = admin_form_data(admin_client.get(url))
    data.update({"status": ItemStatus.PUBLISHED, "hours": "全天"})  # the form has no status field to take it
    assert admin_client.post(url, data).status_code == 302
    draft.refresh_from_db()
    assert (draft.hours, draft.status) == ("全天", ItemStatus.DRAFT)

    admin_client.post("/admin/catalog/serviceitem/", {"action": "publish_items", "_selected_action": [draft.pk]})
    response = admin_client.post("/admin/catalog/serviceitem/", {"action": "publish_items",
                                                                 "_selected_action": [draft.pk]}, follow=True)
    assert "不能发布" in response.content.decode()  # already published: refused, nothing written
    admin_client.post("/admin/catalog/serviceitem/", {"action": "retire_items", "_selected_action": [draft.pk]})
    events = ItemEvent.objects.filter(item=draft).order_by("id")
    assert [(e.action, e.from_status, e.to_status, e.actor_label) for e in events] == [
        ("publish", "draft", "published", "catalog_admin_t"), ("retire", "published", "retired", "catalog_admin_t")]
    assert list(AuditEntry.objects.filter(target_id=str(draft.pk), action__startswith="serviceitem.")
                .order_by("id").values_list("action", flat=True)) == ["serviceitem.publish", "serviceitem.retire"]
    assert ServiceItem.objects.get(pk=draft.pk).version == 1  # a status move is not a new version of the limits


def test_reference_records_and_deletions_in_the_admin_go_through_the_services(admin_client: Client,
                                                                              small_catalog: SmallCatalog) -> None:
    from onewindow.core.models import AuditEntry

    url = f"/admin/catalog/department/{small_catalog.hl.pk}/change/"
    data = admin_form_data(admin_client.get(url))
    data["name_en"] = "Huli Administration for Market Regulation"
    assert admin_client.post(url, data).status_code == 302
    entry = AuditEntry.objects.get(action="catalog.department_update")
    assert entry.target_id == str(small_catalog.hl.pk) and entry.detail == {"changed": ["name_en"]}

    from onewindow.catalog.services.items import record_version

    card = small_catalog.items["card"]  # two materials, version 1
    record_version(card, actor=None, note="初始版本")
    add = admin_form_data(admin_client.get("/admin/catalog/itemmaterial/add/"))
    add.update({"item": card.pk, "material": small_catalog.materials["t_plan"].pk, "originals": 1, "copies": 0,
                "source": "10", "necessity": "1", "form": "both", "order": 30})
    assert admin_client.post("/admin/catalog/itemmaterial/add/", add).status_code == 302
    assert ItemHistory.objects.get(item=card, version=1).material_count == 3
    assert AuditEntry.objects.filter(action="catalog.itemmaterial_create").count() == 1

    draft = small_catalog.items["draft"]
    response = admin_client.post(f"/admin/catalog/serviceitem/{draft.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not ServiceItem.objects.filter(pk=draft.pk).exists()
    deleted = AuditEntry.objects.get(action="catalog.item_delete")
    assert deleted.target_id == str(draft.pk) and deleted.detail["code"] == "T-005"
