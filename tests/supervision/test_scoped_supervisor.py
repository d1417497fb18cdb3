"""The demo's Huli supervisor (login `supervisor_huli`, scoped to 湖里区 through core.Profile.region) sees only
Huli: its halls' statistics and inspections, its notices, its rankings. Fu'an's hall, inspection and notice are
refused (404, or 400 naming the hall when starting an inspection there), through the pages and the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from onewindow.core import clock
from onewindow.core.models import Profile
from onewindow.core.regions import user_region
from onewindow.demo import logins
from onewindow.demo.regions import ensure_regions
from onewindow.supervision.models import ChecklistPoint, ChecklistTemplate
from onewindow.supervision.services.inspections import inspection_start
from onewindow.supervision.services.notices import notice_create
from tests.supervision import builders as b

pytestmark = pytest.mark.django_db
HULI, FUAN = "350206", "350981"


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    regions = ensure_regions()
    halls = {}
    for code, name, region in (("huli", "湖里区行政服务中心", HULI), ("fuan-hr", "福安市人社综合窗口", FUAN)):
        halls[code] = b.hall(code, name)
        halls[code].region = regions[region]
        halls[code].save()
    depts = {HULI: b.department("HL-SCJ", "湖里区市场监督管理局"), FUAN: b.department("FA-RSJ", "福安市人社局")}
    for code, d in depts.items():
        d.region = regions[code]
        d.save()
    template = ChecklistTemplate.objects.create(code="daily", name="日常检查")
    ChecklistPoint.objects.create(template=template, group="attire", code="badge", text="佩戴工作牌", order=1)
    logins.load()
    province = User.objects.get(username="supervisor")  # unscoped: records in both districts
    with clock.frozen(b.at(dt.date(2026, 11, 2))):
        inspections = {code: inspection_start(hall_id=h.pk, template_code="daily", actor=province).pk
                       for code, h in halls.items()}
        notices = {code: notice_create(source="manual", department_id=d.pk, title=f"{d.name}整改",
                                       problem="办事指南过期", workdays=5, actor=province).pk
                   for code, d in depts.items()}
    client = Client()
    client.force_login(User.objects.get(username="supervisor_huli"))
    return {"halls": halls, "inspections": inspections, "notices": notices, "client": client}


def test_the_demo_login_is_a_supervisor_scoped_to_huli(world: dict) -> None:
    user = User.objects.get(username="supervisor_huli")
    assert user.groups.filter(name="supervisor").exists()
    assert Profile.objects.get(user=user).region.code == HULI and user_region(user).code == HULI
    assert "supervisor_huli" in {login.username for login in logins.DEMO_LOGINS}
    assert Profile.objects.get(user__username="supervisor").region is None  # the other one stays unscoped
    logins.load()  # again: still scoped, nothing doubled
    assert Profile.objects.get(user=user).region.code == HULI and User.objects.filter(
        username="supervisor_huli").count() == 1


def test_fuans_hall_and_inspections_are_refused(world: dict) -> None:
    c, insp = world["client"], world["inspections"]
    assert c.get(f"/supervision/inspections/{insp['fuan-hr']}/").status_code == 404
    assert c.get(f"/supervision/inspections/{insp['huli']}/").status_code == 200
    assert [i["id"] for i in c.get("/api/v1/inspections").json()] == [insp["huli"]]
    point = ChecklistPoint.objects.get().pk
    r = c.post(f"/api/v1/inspections/{insp['fuan-hr']}/points/{point}", {"passed": True},
               content_type="application/json")
    assert r.status_code == 404 and [e["field"] for e in r.json()["errors"]] == ["inspection"]
    assert c.post(f"/api/v1/inspections/{insp['fuan-hr']}/submit", {}, content_type="application/json"
                  ).status_code == 404
    r = c.post("/api/v1/inspections", {"hall_id": world["halls"]["fuan-hr"].pk, "template": "daily"},
               content_type="application/json")
    assert r.status_code == 400 and "hall" in {e["field"] for e in r.json()["errors"]}
    page = c.get("/supervision/inspections/").content.decode()
    assert "湖里区行政服务中心" in page and "福安市人社综合窗口" not in page
    assert c.get("/hall/fuan-hr/stats/").status_code == 404
    assert c.get("/hall/fuan-hr/stats.xlsx").status_code == 404
    assert c.get("/api/v1/halls/fuan-hr/stats").status_code == 404
    assert c.get("/hall/huli/stats/").status_code == 200
    assert c.get("/hall/stats/")["Location"].endswith("/hall/huli/stats/")


def test_fuans_notices_and_rankings_are_refused(world: dict) -> None:
    c, notices = world["client"], world["notices"]
    assert [n["id"] for n in c.get("/api/v1/notices").json()] == [notices[HULI]]
    assert c.get(f"/supervision/notices/{notices[FUAN]}/").status_code == 404
    assert c.get(f"/api/v1/notices/{notices[FUAN]}").status_code == 404
    form = c.get("/supervision/notices/new/").content.decode()
    assert "湖里区市场监督管理局" in form and "福安市人社局" not in form and "福安市人社综合窗口" not in form
    assert c.get(f"/supervision/ranking/streets/?district={FUAN}").status_code == 404
    assert c.get(f"/api/v1/supervision/year?region={FUAN}").status_code == 404
    assert c.get("/api/v1/supervision/year").json()["region"] == HULI
