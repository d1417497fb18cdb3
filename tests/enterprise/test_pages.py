"""The enterprise pages: what each role sees, forms that run the services, refusals shown without a change."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from onewindow.core import clock
from onewindow.enterprise.models import ClassRegistration, IndustryLicence, PolicyApplication
from onewindow.enterprise.services import classes, licences, policies

from .conftest import World

pytestmark = pytest.mark.django_db
FIRM = "91350206MA2YCP8A01"


def test_public_pages_render_for_anonymous_visitors(world: World) -> None:
    anonymous = world.clients["anonymous"]
    for url in ("/enterprise/", "/enterprise/policies/SW-2026-01/", "/enterprise/statistics/", "/enterprise/classes/"):
        response = anonymous.get(url)
        assert response.status_code == 200, url
    assert "软件企业成长奖励" in anonymous.get("/enterprise/").content.decode()
    assert anonymous.get("/enterprise/policies/NOPE/").status_code == 404
    assert anonymous.get("/enterprise/me/").status_code == 302  # to the login page
    assert anonymous.get("/enterprise/licences/").status_code == 302


def test_enterprise_sees_the_precheck_and_files_from_the_policy_page(world: World) -> None:
    owner = world.clients["owner"]
    page = owner.get("/enterprise/policies/SW-2026-01/").content.decode()
    assert "条件预检与申报" in page and FIRM in page
    fragment = owner.get(f"/enterprise/policies/SW-2026-01/precheck/?credit_code={FIRM}").content.decode()
    assert "符合申报条件" in fragment and "50000.00" in fragment
    response = owner.post("/enterprise/policies/SW-2026-01/apply/", {"credit_code": FIRM, "idem": "form-1"})
    application = PolicyApplication.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/enterprise/applications/{application.number}/"
    again = owner.post("/enterprise/policies/SW-2026-01/apply/", {"credit_code": FIRM, "idem": "form-1"})
    assert again.status_code == 302 and PolicyApplication.objects.count() == 1  # the same form twice: one claim
    assert application.number in owner.get("/enterprise/me/").content.decode()


def test_an_ineligible_filing_from_the_page_shows_why_and_changes_nothing(world: World) -> None:
    other = world.clients["other_owner"]
    response = other.post("/enterprise/policies/SW-2026-01/apply/", {"credit_code": "91350206MA2YCP8B02",
                                                                    "idem": "x"}, follow=True)
    assert "不符合申报条件" in response.content.decode()
    assert not PolicyApplication.objects.exists()


def test_department_reviews_and_pays_on_the_page_and_others_cannot(world: World) -> None:
    application = policies.application_submit(policy=world.policy, enterprise=world.firm, actor=world.owner)
    url = f"/enterprise/applications/{application.number}/"
    assert world.clients["reviewer_hr"].get(url).status_code == 404
    assert world.clients["reviewer_hr"].post(url + "approve/").status_code == 404
    reviewer = world.clients["reviewer_commerce"]
    assert application.number in reviewer.get("/enterprise/applications/").content.decode()
    assert "审核通过" in reviewer.get(url).content.decode()
    reviewer.post(url + "approve/", {"amount": "45000", "note": "核定"})
    reviewer.post(url + "pay/", {"amount": "45000", "paid_on": "2026-03-02", "reference": "HLCZ-1"})
    application.refresh_from_db()
    assert (application.status, application.paid_amount) == ("paid", 45000)
    public = world.clients["anonymous"].get("/enterprise/policies/SW-2026-01/").content.decode()
    assert "厦门云帆软件有限公司" in public and "45000.00" in public
    assert "firm_owner" not in public  # no person behind the enterprise is shown


def test_the_seat_qr_code_is_an_svg_for_the_enterprise_only_and_the_door_signs_in_once(world: World) -> None:
    clerk = User.objects.get(username="clerk")
    session = classes.session_create(topic="talent", title="人才落户政策解读", speaker_department=world.hr,
                                     place="三楼", starts_at=timezone.make_aware(dt.datetime(2026, 3, 5, 14)),
                                     ends_at=timezone.make_aware(dt.datetime(2026, 3, 5, 16)), capacity=10,
                                     actor=clerk)
    owner = world.clients["owner"]
    owner.post(f"/enterprise/classes/{session.pk}/sign-up/", {"credit_code": FIRM})
    registration = ClassRegistration.objects.get()
    svg = owner.get(f"/enterprise/classes/registrations/{registration.pk}/qr.svg")
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    assert world.clients["other_owner"].get(f"/enterprise/classes/registrations/{registration.pk}/qr.svg"
                                            ).status_code == 404
    token = classes.checkin_token(registration)
    door = world.clients["clerk"]
    with clock.frozen(timezone.make_aware(dt.datetime(2026, 3, 5, 13, 50))):
        assert "确认签到" in door.get(f"/enterprise/classes/checkin/{token}/").content.decode()
        door.post(f"/enterprise/classes/checkin/{token}/")
        replay = door.post(f"/enterprise/classes/checkin/{token}/", follow=True).content.decode()
    assert "不能重复签到" in replay or "不能签到" in replay
    registration.refresh_from_db()
    assert registration.status == "attended"
    with clock.frozen(timezone.make_aware(dt.datetime(2026, 3, 5, 17))):
        owner.post(f"/enterprise/classes/registrations/{registration.pk}/feedback/", {"score": "4", "comment": "好"})
    assert registration.feedback.score == 4


def test_licence_pages_show_the_qr_and_the_public_page_has_no_personal_data(world: World) -> None:
    clerk = User.objects.get(username="clerk")
    licence = licences.licence_issue(
        enterprise=world.firm, industry="pharmacy", title="药店行业综合许可证", number="L-1", department=world.commerce,
        permits=[licences.PermitIn("药品经营许可证", "P-1", world.commerce, dt.date(2026, 1, 1)),
                 licences.PermitIn("食品经营许可证", "P-2", world.commerce, dt.date(2026, 1, 1))], actor=clerk)
    staff_page = world.clients["clerk"].get(f"/enterprise/licences/{licence.pk}/").content.decode()
    assert "<svg" in staff_page and licence.token in staff_page
    public = world.clients["anonymous"].get(f"/enterprise/verify/{licence.token}/").content.decode()
    assert "药品经营许可证" in public and "食品经营许可证" in public and "真实有效" in public
    assert "clerk" not in public and "firm_owner" not in public
    assert world.clients["owner"].get("/enterprise/licences/").status_code == 403


def test_issuing_a_licence_from_the_register_page(world: World) -> None:
    form = {"credit_code": FIRM, "industry": "pharmacy", "title": "药店行业综合许可证", "number": "L-9",
            "department": str(world.commerce.pk)}
    for i, (name, number) in enumerate((("药品经营许可证", "P-1"), ("食品经营许可证", "P-2"))):
        form |= {f"permit_name_{i}": name, f"permit_number_{i}": number,
                 f"permit_department_{i}": str(world.commerce.pk), f"permit_from_{i}": "2026-01-01"}
    response = world.clients["clerk"].post("/enterprise/licences/issue/", form)
    licence = IndustryLicence.objects.get()
    assert response["Location"] == f"/enterprise/licences/{licence.pk}/"
    assert licence.permits.count() == 2 and re.fullmatch(r"[\w-]{32}", licence.token)


def test_english_pages_show_english_names(world: World) -> None:
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    page = english.get("/enterprise/statistics/").content.decode()
    assert "Huli Commerce Bureau" in page


def test_the_pages_speak_english_when_asked(world: World) -> None:
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert "Policy fulfilment window" in english.get("/enterprise/").content.decode()
    assert "Enterprise growth classes" in english.get("/enterprise/classes/").content.decode()
    detail = english.get("/enterprise/policies/SW-2026-01/").content.decode()
    assert "Eligibility conditions" in detail and "Registered capital at least" in detail
