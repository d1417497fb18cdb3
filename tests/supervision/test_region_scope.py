"""Three governments kept apart: a supervisor scoped to Huli sees only Huli's notices and findings, and a notice
goes to a department of the right region (a Fu'an hall's notice never reaches a Huli bureau; a Huli supervisor
cannot address the Fu'an bureau). Through the pages and the API."""

import datetime as dt

import pytest

from onewindow.core import clock
from onewindow.core.access import Role
from onewindow.core.models import Profile
from onewindow.demo.regions import ensure_regions
from onewindow.supervision.models import Finding, Notice
from tests.supervision import builders as b

pytestmark = pytest.mark.django_db
HULI, FUAN = "350206", "350981"


def post(client, url: str, data: dict):
    return client.post(url, data, content_type="application/json")


@pytest.fixture
def world(db: None) -> dict:
    regions = ensure_regions()
    huli_dept, fuan_dept = b.department("HL-SCJ", "湖里区市场监督管理局"), b.department("FA-RSJ", "福安市人社局")
    huli_dept.region, fuan_dept.region = regions[HULI], regions[FUAN]
    huli_dept.save(), fuan_dept.save()
    huli_hall, fuan_hall = b.hall("huli", "湖里区行政服务中心"), b.hall("fuan-hr", "福安市人社综合窗口")
    huli_hall.region, fuan_hall.region = regions[HULI], regions[FUAN]
    huli_hall.save(), fuan_hall.save()
    return {"regions": regions, "huli_dept": huli_dept, "fuan_dept": fuan_dept, "huli_hall": huli_hall,
            "fuan_hall": fuan_hall}


def scoped(client_for, region, *roles: str, department=None):
    client = client_for(*roles, department=department)
    Profile.objects.filter(user=client.user).update(region=region)
    return client


def test_a_fuan_hall_notice_cannot_be_addressed_to_a_huli_department(client_for, world) -> None:
    sup = client_for(Role.SUPERVISOR)  # a provincial supervisor: unscoped, but the rule still holds
    r = post(sup, "/api/v1/notices", {"department_id": world["huli_dept"].pk, "hall_id": world["fuan_hall"].pk,
                                      "title": "窗口着装", "problem": "未佩戴工作牌", "workdays": 5})
    assert r.status_code == 400
    assert "department" in {e["field"] for e in r.json()["errors"]}
    page = sup.post("/supervision/notices/new/", {"source": "manual", "department_id": world["huli_dept"].pk,
                                                  "hall_id": world["fuan_hall"].pk, "title": "窗口着装",
                                                  "problem": "未佩戴工作牌", "workdays": "5"})
    assert page.status_code == 400 and "同一行政区划" in page.content.decode()
    assert Notice.objects.count() == 0
    ok = post(sup, "/api/v1/notices", {"department_id": world["fuan_dept"].pk, "hall_id": world["fuan_hall"].pk,
                                       "title": "窗口着装", "problem": "未佩戴工作牌", "workdays": 5})
    assert ok.status_code in (200, 201) and Notice.objects.get().department == world["fuan_dept"]


def test_a_huli_supervisor_cannot_address_or_see_the_fuan_bureau(client_for, world) -> None:
    huli = scoped(client_for, world["regions"][HULI], Role.SUPERVISOR)
    r = post(huli, "/api/v1/notices", {"department_id": world["fuan_dept"].pk, "title": "x", "problem": "y",
                                       "workdays": 5})
    assert r.status_code == 400 and "department" in {e["field"] for e in r.json()["errors"]}
    assert Notice.objects.count() == 0
    province = client_for(Role.SUPERVISOR)
    with clock.frozen(b.at(dt.date(2026, 11, 2))):
        fuan_id = post(province, "/api/v1/notices", {"department_id": world["fuan_dept"].pk, "title": "福安着装",
                                                     "problem": "未佩戴工作牌", "workdays": 5}).json()["id"]
        huli_id = post(huli, "/api/v1/notices", {"department_id": world["huli_dept"].pk, "title": "湖里着装",
                                                 "problem": "未佩戴工作牌", "workdays": 5}).json()["id"]
    assert [n["id"] for n in huli.get("/api/v1/notices").json()] == [huli_id]
    assert huli.get(f"/api/v1/notices/{fuan_id}").status_code == 404
    assert huli.get(f"/supervision/notices/{fuan_id}/").status_code == 404
    listing = huli.get("/supervision/notices/?view=all").content.decode()
    assert "湖里着装" in listing and "福安着装" not in listing
    assert {n["id"] for n in province.get("/api/v1/notices").json()} == {fuan_id, huli_id}
    fuan = scoped(client_for, world["regions"][FUAN], Role.SUPERVISOR)
    assert [n["id"] for n in fuan.get("/api/v1/notices").json()] == [fuan_id]


def test_findings_are_counted_and_listed_for_the_supervisors_region_only(client_for, world) -> None:
    from onewindow.supervision import selectors

    now = clock.now()
    for dept, label in ((world["huli_dept"], "湖里事项"), (world["fuan_dept"], "福安事项")):
        Finding.objects.create(monitor="catalog.no_phone", kind="catalog", target_type="catalog.serviceitem",
                               target_id=str(dept.pk), target_label=label, message="无咨询电话", department=dept,
                               first_seen=now, last_seen=now)
    huli = world["regions"][HULI]
    assert [f.target_label for f in selectors.findings(region=huli)] == ["湖里事项"]
    assert selectors.finding_counts(huli) == {"catalog.no_phone": 1}
    assert selectors.finding_counts() == {"catalog.no_phone": 2}


def test_a_clerk_of_huli_sees_hall_notices_of_huli_halls_only(client_for, world) -> None:
    province = client_for(Role.SUPERVISOR)
    ids = {}
    for key in ("huli_hall", "fuan_hall"):
        ids[key] = post(province, "/api/v1/notices", {"hall_id": world[key].pk, "title": key, "problem": "p",
                                                      "workdays": 5}).json()["id"]
    clerk = scoped(client_for, world["regions"][HULI], Role.CLERK)
    assert [n["id"] for n in clerk.get("/api/v1/notices").json()] == [ids["huli_hall"]]


def test_a_huli_supervisor_ranks_hulis_departments_only_among_themselves(client_for, world) -> None:
    from decimal import Decimal

    from onewindow.supervision.models import DepartmentScore

    month = dt.date(2026, 10, 1)
    huli_2 = b.department("HL-ZJJ", "湖里区住房和建设局")
    huli_2.region = world["regions"][HULI]
    huli_2.save()
    now = clock.now()
    for rank, (dept, total) in enumerate(((world["fuan_dept"], "96"), (world["huli_dept"], "92"),
                                          (huli_2, "88")), start=1):
        DepartmentScore.objects.create(month=month, department=dept, total=Decimal(total), rank=rank,
                                       parts={}, weights={}, computed_at=now)
    huli = scoped(client_for, world["regions"][HULI], Role.SUPERVISOR)
    got = huli.get("/api/v1/scores?month=2026-10").json()["items"]
    assert [(i["department"], i["rank"]) for i in got] == [("HL-SCJ", 1), ("HL-ZJJ", 2)]
    page = huli.get("/supervision/ranking/?month=2026-10").content.decode()
    assert "湖里区市场监督管理局" in page and "福安市人社局" not in page
    province = client_for(Role.SUPERVISOR)
    got = province.get("/api/v1/scores?month=2026-10").json()["items"]
    assert [(i["department"], i["rank"]) for i in got] == [("FA-RSJ", 1), ("HL-SCJ", 2), ("HL-ZJJ", 3)]
