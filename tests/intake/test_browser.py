"""In a browser on a phone: an outlet's staff member takes in an application, a citizen books a locker drop and
sees the one-time code; the supervisor's figures page and the hall's locker desk render at desktop width."""

from __future__ import annotations

import os

import pytest

from tests.conftest import browser_login
from tests.intake.conftest import citizen_application, outlet_payload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("ONEWINDOW_SCREENSHOTS", "")


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"intake-{name}.png"), full_page=True)


def test_outlet_staff_take_in_an_application_on_a_phone(world, page) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(page, "teller")
    page.goto(page.base_url + "/intake/outlet/")
    _shot(page, "outlet-phone")
    page.click("text=食品经营许可")
    page.fill("input[name='applicant.name']", "陈美玲")
    page.fill("input[name='applicant.id_number']", outlet_payload()["applicant"]["id_number"])
    page.fill("input[name='applicant.phone']", "13905931234")
    page.fill("input[name='form.employer']", "厦门湖里金山便利店")
    page.check("input[name=checked][value='M-ID']")
    page.check("input[name=checked][value='M-PHOTO']")
    _shot(page, "outlet-submit-phone")
    page.click("button[type=submit].btn-big")
    page.wait_for_url("**/intake/applications/SQ*/")
    assert "材料流转" in page.content()
    _shot(page, "custody-phone")


def test_a_citizen_books_a_drop_and_sees_the_code_once(world, page) -> None:
    number = citizen_application(world)
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(page, "citizen")
    page.goto(page.base_url + "/intake/mine/")
    page.click(f"text={number}")
    page.click("text=预约投递，获取投递码")
    code = page.get_by_test_id("new-code").inner_text()
    assert "一次性取件码" in code
    _shot(page, "drop-code-phone")


def test_the_figures_and_the_locker_desk_render_for_staff(world, page) -> None:
    browser_login(page, "supervisor")
    page.goto(page.base_url + "/intake/outlets/figures/")
    assert "工商银行金山支行" in page.content()
    _shot(page, "figures-desktop")
