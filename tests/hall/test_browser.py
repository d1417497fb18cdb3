"""A whole counter cycle in a browser: kiosk issues → board shows waiting → the clerk signs in and pairs the
counter's rating pad → console calls → board shows and announces the call → finish opens the rating pad."""

import pytest

from onewindow.core import clock
from onewindow.core.access import Role
from tests.conftest import browser_login
from tests.hall.conftest import at, counter


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_kiosk_board_console_and_rating_pad_work_together(page, hall, make_user):
    from playwright.sync_api import expect

    make_user("clerk_b", Role.CLERK, display_name="陈雅琴")
    with clock.frozen(at(10, 0)):
        browser_login(page, "clerk_b")
        board = page.context.new_page()
        board.goto(f"{page.base_url}/hall/{hall.code}/board/")
        expect(board.locator("#board-waiting li[data-category=social] .n")).to_have_text("0")

        page.goto(f"{page.base_url}/hall/{hall.code}/kiosk/")
        page.click("button[name=category][value=social]")
        expect(page.get_by_test_id("ticket-number")).to_have_text("A001")
        expect(page.get_by_test_id("ahead")).to_have_text("0")
        expect(board.locator("#board-waiting li[data-category=social] .n")).to_have_text("1", timeout=10000)

        pad = page.context.browser.new_context(locale="zh-CN").new_page()  # the pad is a device of its own
        pad.goto(f"{page.base_url}/hall/counters/{counter(hall, 5).pk}/pad/")
        expect(pad.get_by_test_id("pad-unpaired")).to_be_visible()  # not paired: no rating prompt ever

        page.goto(f"{page.base_url}/hall/console/")
        page.check(f"input[name=counter][value='{counter(hall, 5).pk}']")
        page.click("button[type=submit]:has-text('签入')")
        pad.goto(page.get_attribute("[data-testid=pad-pairing-link]", "href"))  # the console's pairing address
        pad.click("button:has-text('确认配对')")
        expect(pad.locator(".pad-idle")).to_be_visible()
        expect(pad.get_by_test_id("pad-unpaired")).to_have_count(0)
        page.click("button[name=action][value=call]")
        expect(page.get_by_test_id("current-number")).to_have_text("A001")

        expect(board.locator("#board-now .board-call .num")).to_have_text("A001", timeout=10000)
        expect(board.locator("#board-now .board-call .ctr")).to_have_text("5号窗口")
        expect(board.locator("#board-waiting li[data-category=social] .n")).to_have_text("0")
        board.wait_for_function("(window.hallBoardAnnouncements || []).includes('请A001号到5号窗口办理')", timeout=10000)

        page.fill("input[name=items_handled]", "社会保障卡申领")
        page.click("button[name=action][value=finish]")
        expect(pad.get_by_test_id("pad-prompt")).to_be_visible(timeout=10000)
        expect(pad.locator(".pad-number")).to_have_text("A001")
        expect(pad.get_by_test_id("pad-prompt")).to_contain_text("社会保障卡申领")
        expect(pad.get_by_test_id("pad-prompt")).to_contain_text("陈雅琴")
