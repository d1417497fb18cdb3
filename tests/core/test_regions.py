"""Regions: the demo's regions and Huli's 64-hall hierarchy (district, street, community), in-region filters that
keep three governments apart, a staff member's region taken from their profile or department, and the existing
rows' region kept by the migration (a department's code value still reads the same)."""

import pytest

from onewindow.catalog.models import Department
from onewindow.catalog.selectors import departments_in
from onewindow.core.access import Role
from onewindow.core.models import Profile, Region, RegionLevel
from onewindow.core.regions import district_of, related, user_region, user_sees
from onewindow.demo.regions import ensure_regions, load, load_halls
from onewindow.hall.models import Hall
from onewindow.hall.regions import hall_counts_by_level, halls_in

pytestmark = pytest.mark.django_db


def test_the_regions_demo_makes_the_province_three_cities_three_districts_and_hulis_streets() -> None:
    load()
    load()  # idempotent
    counts = {level: Region.objects.filter(level=level).count() for level in RegionLevel}
    assert counts == {RegionLevel.PROVINCE: 1, RegionLevel.CITY: 3, RegionLevel.COUNTY: 3, RegionLevel.STREET: 5,
                      RegionLevel.COMMUNITY: 58}
    huli = Region.objects.get(code="350206")
    assert huli.parent.code == "350200" and huli.path == "/350000/350200/350206/"
    community = Region.objects.get(code="350206001001")
    assert huli.contains(community) and not Region.objects.get(code="350981").contains(community)
    assert district_of(community) == huli


def test_huli_has_the_seeds_64_halls_as_a_hierarchy_and_fuan_none_of_them() -> None:
    Hall.objects.create(code="huli", name="湖里区行政服务中心", sort_order=1)
    Hall.objects.create(code="fuan-hr", name="福安市行政服务中心人社综合窗口", sort_order=2)
    load_halls()
    load_halls()  # idempotent
    regions = {r.code: r for r in Region.objects.filter(level=RegionLevel.COUNTY)}
    assert halls_in(regions["350206"]).count() == 64
    assert hall_counts_by_level(regions["350206"]) == {"district": 1, "street": 5, "community": 58}
    assert list(halls_in(regions["350981"]).values_list("code", flat=True)) == ["fuan-hr"]
    station = Hall.objects.get(code="huli-jinshan-01")
    assert station.level == "community" and station.parent.code == "huli-jinshan"
    assert station.parent.parent.code == "huli" and station.region.parent == station.parent.region
    street = Region.objects.get(code="350206005")
    assert set(halls_in(street).values_list("level", flat=True)) == {"street", "community"}


def test_departments_in_a_region_and_a_staff_members_region(make_user) -> None:
    regions = ensure_regions()
    huli = Department.objects.create(code="HL-SCJ", name="湖里区市场监督管理局", region=regions["350206"])
    fuan = Department.objects.create(code="FA-RSJ", name="福安市人社局", region=regions["350981"])
    assert list(departments_in(regions["350206"])) == [huli]
    assert set(departments_in(regions["350000"])) == {huli, fuan}
    assert set(departments_in(None)) == {huli, fuan}
    assert Department.objects.filter(region="350981").get() == fuan  # filtered by the code, as before
    reviewer = make_user("r1", Role.REVIEWER, department=fuan)
    assert user_region(reviewer) == regions["350981"]
    supervisor = make_user("s1", Role.SUPERVISOR)
    assert user_region(supervisor) is None and user_sees(supervisor, regions["350206"])
    Profile.objects.filter(user=supervisor).update(region=regions["350206"])
    supervisor = type(supervisor).objects.get(pk=supervisor.pk)
    assert user_region(supervisor) == regions["350206"]
    assert user_sees(supervisor, regions["350206001"]) and not user_sees(supervisor, regions["350981"])
    assert not user_sees(supervisor, None)  # a province-wide record is not a district's
    assert related(regions["350206"], regions["350206001001"]) and not related(regions["350206"], regions["350981"])


def test_the_admin_moves_a_region_with_everything_below_it_and_audits_it(make_user) -> None:
    from django.test import Client

    from onewindow.core.models import AuditEntry

    regions = ensure_regions()
    admin_user = make_user("root")
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client = Client()
    client.force_login(admin_user)
    assert client.get("/admin/core/region/").status_code == 200
    street = regions["350206005"]
    r = client.post(f"/admin/core/region/{street.pk}/change/", {
        "code": street.code, "name": "金山街道", "name_en": "Jinshan", "level": 4, "parent": regions["350981"].pk})
    assert r.status_code == 302, r.content.decode()[:500]
    assert Region.objects.get(code="350206005001").path == "/350000/350900/350981/350206005/350206005001/"
    assert AuditEntry.objects.filter(action="core.region_save", target_id=str(street.pk)).exists()
    r = client.post(f"/admin/core/region/{regions['350981'].pk}/change/", {
        "code": "350981", "name": "福安市", "level": 3, "parent": street.pk})
    assert r.status_code == 400 and Region.objects.get(code="350981").parent.code == "350900"  # a loop refused
    assert client.post(f"/admin/core/region/{street.pk}/delete/", {"post": "yes"}).status_code == 403
