"""The whole flow in a browser: a citizen applies for a bundle → the clerk accepts → each department's reviewer
decides and completes → the application is complete → the citizen sees it done."""

from __future__ import annotations

import re

import pytest

from onewindow.cases.models import Application
from onewindow.core.access import Role

from ..conftest import browser_login
from .conftest import JPEG, PDF, PNG, valid_id


def _logout(page) -> None:
    page.click("header button:has-text('退出')")
    page.wait_for_load_state()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_citizen_applies_clerk_accepts_reviewers_decide_and_citizen_sees_it_done(page, make_user, catalog, media,
                                                                                  tmp_path):
    make_user("b_citizen", Role.CITIZEN)
    make_user("b_clerk", Role.CLERK)
    make_user("b_rev_a", Role.REVIEWER, department=catalog.dept_a)
    make_user("b_rev_b", Role.REVIEWER, department=catalog.dept_b)
    files = {}
    for name, blob in (("id.jpg", JPEG), ("contract.pdf", PDF), ("shop.png", PNG)):
        files[name] = tmp_path / name
        files[name].write_bytes(blob)

    # the citizen applies online: notice → one form → each material once → receipt
    browser_login(page, "b_citizen")
    page.goto(page.base_url + "/cases/apply/bundle/T-HIRE/?food=yes")
    assert page.locator("h1").inner_text().startswith("在线申请")
    page.fill("input[name='applicant.name']", "林晓梅")
    page.fill("input[name='applicant.id_number']", valid_id())
    page.fill("input[name='applicant.phone']", "13905931234")
    page.fill("input[name='form.employer']", "福安市闽东电机有限公司")
    page.fill("input[name='form.start_date']", "2026-03-02")
    page.set_input_files("input[name='material.M-ID']", str(files["id.jpg"]))
    page.set_input_files("input[name='material.M-CONTRACT']", str(files["contract.pdf"]))
    page.set_input_files("input[name='material.M-PHOTO']", str(files["shop.png"]))
    page.click("button:has-text('提交申请')")
    page.wait_for_url(re.compile(r"/cases/a/SQ\d{8}-\d{4}/$"))
    number = page.url.rstrip("/").rsplit("/", 1)[1]
    assert "已提交，待受理" in page.content()
    _logout(page)

    # the clerk accepts the whole application; the instant item completes on the spot
    browser_login(page, "b_clerk")
    page.goto(page.base_url + f"/cases/a/{number}/")
    page.click("button:has-text('全部受理')")
    page.wait_for_load_state()
    assert "已受理" in page.content()
    _logout(page)

    app = Application.objects.get(number=number)
    cases = {c.item_code: c.number for c in app.cases.all()}
    for user, item in (("b_rev_a", "T-EMPLOY"), ("b_rev_b", "T-MARKET")):
        browser_login(page, user)
        page.goto(page.base_url + "/cases/worklist/")
        page.click(f"a:has-text('{cases[item]}')")
        page.click("form.decision button:has-text('准予')")
        page.wait_for_load_state()
        page.fill("input[name='result_number']", f"R-{item}")
        page.click("form.decision button:has-text('办结出件')")
        page.wait_for_load_state()
        assert "已办结" in page.content()
        _logout(page)

    # the citizen sees the application complete (统一出件)
    browser_login(page, "b_citizen")
    page.goto(page.base_url + "/cases/mine/")
    row = page.locator("tr", has_text=number)
    assert "已办结（统一出件）" in row.inner_text()
    page.click(f"a:has-text('{number}')")
    page.wait_for_url(f"**/cases/a/{number}/")
    page.wait_for_load_state()
    assert "R-T-EMPLOY" in page.content() and "R-T-MARKET" in page.content()
