"""In a browser: answering a question re-renders the questions (htmx) and reveals the follow-up."""

import pytest

from tests.bundles.builders import build_bundle


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_choosing_an_option_reveals_its_follow_up_and_enables_online_application(page) -> None:
    build_bundle()
    page.goto(page.base_url + "/bundles/T-RETIRE/")
    assert page.locator("input[name=soe_kind]").count() == 0
    page.locator("label.option", has_text="是").first.click()
    page.wait_for_selector("input[name=soe_kind]")
    assert page.url.endswith("/bundles/T-RETIRE/?is_soe=yes")
    assert page.locator("[data-apply]").count() == 0
    page.locator("#q-soe_kind label.option", has_text="地方国企").click()
    page.wait_for_selector("[data-apply]")
    assert "测试事项丙" in page.locator(".notice-preview").inner_text()
    href = page.locator("[data-apply]").get_attribute("href")
    assert href == "/cases/apply/bundle/T-RETIRE/?is_soe=yes&soe_kind=local"
    page.locator("label.option", has_text="否").first.click()
    page.wait_for_selector("input[name=soe_kind]", state="detached")
    assert "测试事项丙" not in page.locator(".notice-preview").inner_text()
