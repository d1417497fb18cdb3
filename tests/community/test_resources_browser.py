"""In Chromium on a phone (390 px): a community worker registers a party-mass station by choosing the community
first — the compound list narrows to its compounds — and a compound of another community is refused next to the
field, with what was typed kept. The form is reached and filled with the keyboard."""

import os
from pathlib import Path

import pytest

from onewindow.community.models import ServiceSite
from onewindow.core.access import Role
from tests.conftest import browser_login

SHOTS = Path(os.environ.get("ONEWINDOW_SCREENSHOTS", "/tmp"))


def _datalist(page, list_id: str) -> list[str]:  # type: ignore[no-untyped-def]
    return page.eval_on_selector_all(f"#{list_id} option", "els => els.map(e => e.value)")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_station_is_registered_on_a_phone_by_choosing_the_community_first(
        browser, live_server, make_user, world) -> None:
    make_user("shequ", Role.COMMUNITY_WORKER, display_name="蔡淑芬")
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    browser_login(page, "shequ")
    page.goto(page.base_url + "/community/resources/#site-form")
    assert len(_datalist(page, "site-compounds")) == 5

    form = page.locator("#site-form form")
    form.locator("select[name=kind]").select_option("station")
    form.locator("input[name=name]").fill("华景城小区党群服务站")
    community = form.locator("[data-testid=site-community]")
    community.focus()
    community.select_option(str(world.west.pk))  # htmx fetches the community's compounds into the list
    page.locator("#site-compounds option").nth(2).wait_for(state="detached")
    assert _datalist(page, "site-compounds") == ["英龙社区 · 华景城小区", "英龙社区 · 英龙花园"]
    page.keyboard.press("Tab")  # the compound picker follows the community in the keyboard order
    assert page.evaluate("document.activeElement.name") == "compound_label"
    page.keyboard.type("华景城小区")
    form.get_by_label("居有所乐").check()
    page.screenshot(path=str(SHOTS / "ow_h2_resources_390.png"), full_page=False)
    form.get_by_role("button", name="登记").click()
    page.wait_for_load_state()
    assert "服务阵地已登记" in page.inner_text(".messages")
    assert ServiceSite.objects.get().compound == world.compounds[3]

    # a compound of another community than the one chosen: refused next to the field, nothing written
    page.goto(page.base_url + "/community/resources/#site-form")
    form = page.locator("#site-form form")
    form.locator("select[name=kind]").select_option("station")
    form.locator("input[name=name]").fill("浅水湾小区党群服务站")
    form.locator("[data-testid=site-community]").select_option(str(world.west.pk))
    page.locator("#site-compounds option").nth(2).wait_for(state="detached")
    form.locator("[data-testid=site-compound]").fill("东梅社区 · 浅水湾小区")
    form.get_by_role("button", name="登记").click()
    page.wait_for_load_state()
    assert "登记未成功" in page.inner_text("[role=alert]")
    assert page.inner_text("#site-compound-error") == "该小区不在所选社区"
    assert page.get_attribute("[data-testid=site-compound]", "aria-invalid") == "true"
    assert page.input_value("[data-testid=site-compound]") == "东梅社区 · 浅水湾小区"
    page.locator("#site-form").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "ow_h2_resources_390_refused.png"), full_page=False)
    assert ServiceSite.objects.count() == 1

    wide = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    desk = wide.new_page()
    desk.base_url = live_server.url
    browser_login(desk, "shequ")
    desk.goto(desk.base_url + "/community/resources/")
    desk.locator("#site-form").scroll_into_view_if_needed()
    desk.screenshot(path=str(SHOTS / "ow_h2_resources_1280.png"), full_page=True)
    wide.close()
    context.close()
