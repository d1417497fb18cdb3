"""Inspections: a template's points marked passed/failed with notes and photos (sniffed, size-limited, served
through an access-checked view); submitting turns failed points into findings."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from onewindow.core.access import Role
from onewindow.supervision.models import ChecklistPoint, ChecklistTemplate, Finding, InspectionResult
from tests.supervision import builders as b

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def template() -> ChecklistTemplate:
    t = ChecklistTemplate.objects.create(code="daily", name="大厅日常检查")
    ChecklistPoint.objects.create(template=t, group="attire", code="badge", text="佩戴工作牌", order=1)
    ChecklistPoint.objects.create(template=t, group="fees", code="fees", text="收费公示", order=2)
    return t


def start(sup, hall, template) -> int:
    r = sup.post("/api/v1/inspections", {"hall_id": hall.pk, "template": template.code}, content_type="application/json")
    assert r.status_code == 201, r.content
    return r.json()["id"]


def test_failed_points_become_findings_on_submit(client_for, template) -> None:
    hall = b.hall()
    sup = client_for(Role.SUPERVISOR)
    iid = start(sup, hall, template)
    badge, fees = template.points.order_by("order")
    url = f"/supervision/inspections/{iid}/"
    r = sup.post(url, {"point": badge.pk, "passed": "no", "note": "", "photo": SimpleUploadedFile("a.png", PNG)})
    assert r.status_code == 302
    early = sup.post(f"/api/v1/inspections/{iid}/submit", {}, content_type="application/json")
    assert early.status_code == 400 and early.json()["errors"][0]["field"] == "results"
    sup.post(url, {"point": fees.pk, "passed": "yes"})
    r = sup.post(f"/api/v1/inspections/{iid}/submit", {"note": "基本良好"}, content_type="application/json")
    assert r.status_code == 200
    findings = r.json()["findings"]
    assert len(findings) == 1 and findings[0]["monitor"] == "inspection" and findings[0]["hall_id"] == hall.pk
    assert Finding.objects.get().inspection_result.point == badge
    again = sup.post(url, {"point": fees.pk, "passed": "no", "note": "x"})
    assert again.status_code == 400  # submitted: no more changes


def test_a_failed_point_needs_a_note_or_photo(client_for, template) -> None:
    sup = client_for(Role.SUPERVISOR)
    iid = start(sup, b.hall(), template)
    point = template.points.first()
    r = sup.post(f"/api/v1/inspections/{iid}/points/{point.pk}", {"passed": False, "note": ""},
                 content_type="application/json")
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "note"


def test_photos_are_sniffed_size_limited_and_served_only_to_allowed_users(client_for, template, settings,
                                                                          tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    sup = client_for(Role.SUPERVISOR)
    iid = start(sup, b.hall(), template)
    point = template.points.first()
    url = f"/supervision/inspections/{iid}/"
    fake = SimpleUploadedFile("photo.jpg", b"<html>not an image</html>", content_type="image/jpeg")
    r = sup.post(url, {"point": point.pk, "passed": "no", "note": "x", "photo": fake})
    assert r.status_code == 400 and "JPEG" in r.content.decode()
    settings.ONEWINDOW = settings.ONEWINDOW | {"INSPECTION_PHOTO_MAX_BYTES": 1000}
    big = SimpleUploadedFile("big.png", PNG + b"\x00" * 2000, content_type="image/png")
    assert sup.post(url, {"point": point.pk, "passed": "no", "note": "x", "photo": big}).status_code == 400
    ok = SimpleUploadedFile("evil.html", PNG, content_type="text/html")
    assert sup.post(url, {"point": point.pk, "passed": "no", "note": "x", "photo": ok}).status_code == 302
    result = InspectionResult.objects.get(point=point)
    assert result.photo_type == "image/png" and result.photo.name.endswith(".png")
    photo = sup.get(f"/supervision/photos/{result.pk}/")
    assert photo.status_code == 200 and photo["Content-Type"] == "image/png"
    assert b"".join(photo.streaming_content) == PNG
    assert client_for(Role.CLERK).get(f"/supervision/photos/{result.pk}/").status_code == 404
    assert client_for(Role.CITIZEN).get(f"/supervision/photos/{result.pk}/").status_code == 403


def test_the_inspection_page_works_on_a_phone_sized_form(client_for, template) -> None:
    sup = client_for(Role.SUPERVISOR)
    iid = start(sup, b.hall(), template)
    html = sup.get(f"/supervision/inspections/{iid}/").content.decode()
    assert 'capture="environment"' in html and "佩戴工作牌" in html and "着装与工作牌" in html
