"""End to end in Chromium on a phone: the enterprise opens a policy, the pre-check loads (htmx) with each
condition, it files, and the issuing department's reviewer approves it."""

import pytest

from onewindow.enterprise.models import PolicyApplication
from tests.conftest import browser_login

from .conftest import World


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_enterprise_prechecks_and_files_and_the_department_approves(browser, page, world: World) -> None:
    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    mobile = phone.new_page()
    mobile.base_url = page.base_url
    browser_login(mobile, "firm_owner")
    mobile.goto(mobile.base_url + "/enterprise/policies/SW-2026-01/")
    mobile.wait_for_selector("#precheck table")  # loaded by htmx on page load
    assert "符合申报条件" in mobile.inner_text("#precheck")
    assert mobile.locator("#precheck .badge-green").count() >= 4
    assert mobile.evaluate("document.documentElement.scrollWidth") <= 390
    mobile.get_by_role("button", name="提交申报").click()
    mobile.wait_for_load_state()
    application = PolicyApplication.objects.get()
    assert application.number in mobile.inner_text("h1") and application.channel == "online"
    phone.close()

    browser_login(page, "rev_c")
    page.goto(page.base_url + f"/enterprise/applications/{application.number}/")
    page.get_by_role("button", name="审核通过").click()
    page.wait_for_load_state()
    assert "已保存" in page.inner_text(".messages")
    application.refresh_from_db()
    assert application.status == "approved"
