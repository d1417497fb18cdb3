"""The back office behind the window (柜员跑腿): a case goes to the item's handling unit (the bureau's business
centre) when it has one, the bureau's head sees the centre's cases, other staff do not; 提速办: the item API says
whether the promised limit meets the ministry's compressed standard (部定压缩标准)."""

from __future__ import annotations

from collections import Counter

import pytest

from onewindow.cases.models import Case
from onewindow.catalog.models import Department, ServiceItem
from onewindow.core.access import Role
from tests.cases.conftest import (  # noqa: F401 — fixtures
    catalog,
    fast_passwords,
    media,
    payload,
    people,
    post_multipart,
)

pytestmark = pytest.mark.django_db


def test_cases_go_to_the_handling_centre_and_the_bureau_head_sees_them(client_for, people, catalog, media) -> None:  # noqa: F811 — the cases fixtures
    centre = Department.objects.create(code="T-JYZX", name="测试市劳动就业中心", parent=catalog.dept_a)
    ServiceItem.objects.filter(pk=catalog.employ.pk).update(handling_department=centre)
    r = post_multipart(people["citizen"], payload())
    assert r.status_code == 201, r.content
    per_department = Counter(Case.objects.values_list("department__code", flat=True))
    assert per_department == {"T-JYZX": 1, "T-RSJ": 1, "T-SCJ": 1}
    number = Case.objects.get(department=centre).number

    centre_reviewer = client_for(Role.REVIEWER, department=centre)
    bureau_head = client_for(Role.DEPARTMENT_HEAD, department=catalog.dept_a)
    bureau_reviewer = client_for(Role.REVIEWER, department=catalog.dept_a)
    other_head = client_for(Role.DEPARTMENT_HEAD, department=catalog.dept_b)
    for client, status in ((centre_reviewer, 200), (bureau_head, 200), (bureau_reviewer, 404), (other_head, 404)):
        assert client.get(f"/api/v1/cases/{number}").status_code == status
        assert client.get(f"/cases/c/{number}/").status_code == status
    assert number in centre_reviewer.get("/cases/worklist/").content.decode()


def test_an_item_without_a_handling_unit_routes_to_its_department(people, catalog, media) -> None:  # noqa: F811 — the cases fixtures
    assert post_multipart(people["citizen"], payload()).status_code == 201
    assert Counter(Case.objects.values_list("department__code", flat=True)) == {"T-RSJ": 2, "T-SCJ": 1}


def test_the_item_api_says_whether_the_ministry_standard_is_met(client_for, catalog) -> None:  # noqa: F811 — the cases fixtures
    ServiceItem.objects.filter(pk=catalog.employ.pk).update(speedup="achieved", speedup_before_limit=10,
                                                           speedup_standard_limit=5, promised_limit=5)
    ServiceItem.objects.filter(pk=catalog.market.pk).update(speedup="candidate", speedup_before_limit=20,
                                                           speedup_standard_limit=7, promised_limit=10)
    got = {code: client_for().get(f"/api/v1/items/{code}").json()["meets_speedup_standard"]
           for code in ("T-EMPLOY", "T-MARKET", "T-INSURE")}
    assert got == {"T-EMPLOY": True, "T-MARKET": False, "T-INSURE": None}
    page = client_for().get("/catalog/items/T-EMPLOY/").content.decode()
    assert "部定压缩标准 5 个工作日" in page and "已达标" in page
    page = client_for().get("/catalog/items/T-MARKET/").content.decode()
    assert "部定压缩标准 7 个工作日" in page and "未达标" in page
    assert "data-speedup-standard" not in client_for().get("/catalog/items/T-INSURE/").content.decode()
    assert ServiceItem.objects.get(pk=catalog.employ.pk).speedup_ratio == 0.5
