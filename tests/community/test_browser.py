"""End to end in Chromium: the community orders, a member takes it, marks it done, the community confirms,
and the member's balance shows the hours."""

import pytest

from onewindow.community.models import Member
from onewindow.community.services import members
from onewindow.core import clock
from onewindow.core.access import Role
from tests.conftest import browser_login


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_order_placed_taken_done_and_confirmed_shows_up_in_the_members_balance(
        browser, page, live_server, make_user, world) -> None:
    make_user("shequ", Role.COMMUNITY_WORKER, display_name="蔡淑芬")
    volunteer_user = make_user("zhiyuan", Role.VOLUNTEER, display_name="方志强")
    member = members.member_create(name="方志强", category=Member.Category.IN_SERVICE, employer=world.employer,
                                    home_compound=world.compounds[0], user=volunteer_user, actor=None)

    # the community worker places an order for 浅水湾小区
    browser_login(page, "shequ")
    page.goto(page.base_url + "/community/orders/")
    page.click("[data-testid=new-order]")
    page.wait_for_load_state()
    page.select_option("select[name=menu_item]", str(world.menu.pk))
    compound = world.compounds[0]
    page.fill("[data-testid=compound-picker]", f"{compound.community.name} · {compound.name}")
    page.fill("input[name=service_date]", clock.today().isoformat())  # done/confirm wait for the service date
    page.fill("textarea[name=description]", "为独居老人测血压")
    page.click("#place-order button[type=submit]")
    page.wait_for_load_state()
    assert "已下单" in page.inner_text(".messages")
    number = page.locator("table.orders tbody tr").first.get_attribute("data-order")

    # the member takes it and marks it done from their phone
    phone = browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 800})
    mobile = phone.new_page()
    mobile.base_url = page.base_url
    browser_login(mobile, "zhiyuan")
    mobile.goto(mobile.base_url + "/community/me/")
    card = mobile.locator(f".order-card[data-order='{number}']")
    card.get_by_role("button", name="接单").click()
    mobile.wait_for_load_state()
    assert "接单成功" in mobile.inner_text(".messages")
    mobile.goto(mobile.base_url + "/community/me/")
    mobile.locator(f".order-card[data-order='{number}']").get_by_role("button", name="标记完成").click()
    mobile.wait_for_load_state()
    assert "等待下单方确认" in mobile.inner_text(".messages")

    # the community confirms 120 minutes (the menu item's suggested time) with five stars
    page.goto(page.base_url + "/community/orders/?status=done")
    row = page.locator(f"tr[data-order='{number}']")
    row.locator("input[name=minutes]").fill("120")
    row.locator("select[name=rating]").select_option("5")
    row.get_by_role("button", name="确认").click()
    page.wait_for_load_state()
    assert "时长已记入账户" in page.inner_text(".messages")

    # the member sees the time in hours, as every page shows it
    mobile.goto(mobile.base_url + "/community/me/")
    assert mobile.inner_text("#balance").strip() == "2"
    mobile.goto(mobile.base_url + "/community/me/statement/")
    assert "+2" in mobile.inner_text("table.statement")
    member.account.refresh_from_db()
    assert member.account.balance == 120
    phone.close()
