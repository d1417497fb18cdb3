"""一业一证: one licence standing for several permits, verified publicly by an unguessable QR token."""

from __future__ import annotations

from typing import Any

import pytest

from onewindow.enterprise.models import IndustryLicence, LicenceEvent

from .conftest import World

pytestmark = pytest.mark.django_db
FIRM = "91350206MA2YCP8A01"


def issue(world: World, who: str = "clerk", number: str = "闽HL药综2026001") -> Any:
    return world.clients[who].post("/api/v1/enterprise/licences", {
        "credit_code": FIRM, "industry": "pharmacy", "title": "药店行业综合许可证", "number": number,
        "department": "T-SWJ", "first_in_province": True, "permits": [
            {"name": "药品经营许可证", "number": "闽AA5920001", "department": "T-SWJ", "valid_from": "2026-01-01",
             "valid_until": "2030-12-31"},
            {"name": "第二类医疗器械经营备案凭证", "number": "闽厦食药监械经营备20260001号", "department": "T-SWJ",
             "valid_from": "2026-01-01"},
            {"name": "食品经营许可证", "number": "JY13502060000001", "department": "T-RSJ",
             "valid_from": "2021-01-01", "valid_until": "2025-12-31"}]}, content_type="application/json")


def test_issued_licence_lists_every_permit_on_the_public_verification_page(world: World) -> None:
    response = issue(world)
    assert response.status_code == 201, response.json()
    token = response.json()["token"]
    assert len(token) >= 32 and not token.isdigit() and token != str(IndustryLicence.objects.get().pk)
    public = world.clients["anonymous"].get(f"/api/v1/enterprise/licences/verify/{token}").json()
    assert public["status"] == "valid" and public["enterprise"] == "厦门云帆软件有限公司"
    assert [(p["name"], p["status"]) for p in public["permits"]] == [
        ("药品经营许可证", "valid"), ("第二类医疗器械经营备案凭证", "valid"), ("食品经营许可证", "expired")]
    page = world.clients["anonymous"].get(f"/enterprise/verify/{token}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "药品经营许可证" in text and "<svg" in text


def test_a_wrong_or_sequential_token_finds_nothing(world: World) -> None:
    issue(world)
    licence = IndustryLicence.objects.get()
    assert world.clients["anonymous"].get(f"/api/v1/enterprise/licences/verify/{licence.pk}").status_code == 404
    assert world.clients["anonymous"].get("/enterprise/verify/not-a-token/").status_code == 404


def test_revocation_by_the_issuing_department_shows_on_the_verification_page(world: World) -> None:
    token = issue(world).json()["token"]
    url = "/api/v1/enterprise/licences/闽HL药综2026001/revoke"
    assert world.clients["reviewer_hr"].post(url, {"reason": "歇业"}, content_type="application/json").status_code == 403
    no_reason = world.clients["reviewer_commerce"].post(url, {"reason": ""}, content_type="application/json")
    assert no_reason.status_code == 400 and no_reason.json()["errors"][0]["field"] == "reason"
    done = world.clients["reviewer_commerce"].post(url, {"reason": "企业申请注销"}, content_type="application/json")
    assert done.status_code == 200
    public = world.clients["anonymous"].get(f"/api/v1/enterprise/licences/verify/{token}").json()
    assert public["status"] == "revoked" and {p["status"] for p in public["permits"]} == {"revoked"}
    assert list(LicenceEvent.objects.values_list("action", flat=True)) == ["issue", "revoke"]
    again = world.clients["reviewer_commerce"].post(url, {"reason": "再次"}, content_type="application/json")
    assert again.status_code == 409


def test_issuing_is_refused_to_applicants_and_with_bad_permits(world: World) -> None:
    assert issue(world, "owner").status_code == 403
    one_permit = world.clients["clerk"].post("/api/v1/enterprise/licences", {
        "credit_code": FIRM, "industry": "pharmacy", "title": "药店行业综合许可证", "number": "X1",
        "department": "T-SWJ", "permits": [{"name": "药品经营许可证", "number": "A", "department": "NOPE",
                                             "valid_from": "2026-01-01"}]}, content_type="application/json")
    assert one_permit.status_code == 400
    assert one_permit.json()["errors"][0]["field"] == "permits[0].department"
    assert issue(world).status_code == 201 and issue(world).status_code == 409  # the number is unique
    assert IndustryLicence.objects.count() == 1
