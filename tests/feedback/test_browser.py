"""End to end in Chromium: the clerk finishes a ticket → the counter pad rates 不满意 with a reason → the
rectification appears for the department → verified, fixed, called back, closed → statistics updated."""

import datetime as dt

import pytest

from onewindow.core import clock
from onewindow.core.access import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, username: str) -> None:
    """Sign in (clicks the form's own button: the header's large-type toggle is the page's first submit)."""
    page.goto(page.base_url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw-for-tests-1")
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def test_pad_bad_review_is_rectified_by_the_department_and_counted(page, browser, make_user, dept, item) -> None:
    from onewindow.cases.models import Applicant, Application, Case
    from onewindow.catalog.models import WindowCategory
    from onewindow.hall.models import Counter, Hall, HallCategory, OpeningHours
    from onewindow.hall.services import clerks, queue

    with clock.frozen(dt.datetime(2026, 11, 26, 10, 0)):  # a Thursday, hall open
        huli = Hall.objects.create(code="huli", name="湖里区行政服务中心", no_lunch_break=True)
        for wd in range(7):
            OpeningHours.objects.create(hall=huli, weekday=wd, opens=dt.time(0, 0), closes=dt.time(23, 59))
        wc = WindowCategory.objects.create(code="business", name="经营管理", default_ticket_prefix="B")
        hc = HallCategory.objects.create(hall=huli, category=wc, prefix="B")
        counter = Counter.objects.create(hall=huli, number=7, name="经营管理综合窗口")
        counter.categories.set([hc])
        clerk = make_user("clerk7", Role.CLERK, display_name="陈雅琴")
        make_user("head", Role.DEPARTMENT_HEAD, department=dept, display_name="吴国栋")
        queue.ticket_issue(hall=huli, category=hc)
        clerks.clerk_session_start(counter=counter, clerk=clerk)
        ticket = queue.counter_call_next(counter=counter, actor=clerk)
        assert ticket is not None
        queue.ticket_start(counter=counter, actor=clerk)
        # the clerk accepted a 食品经营许可 application at this ticket (what the cases app records)
        now = clock.now()
        applicant = Applicant.objects.create(name="林晓梅", id_number="350206199001011234", phone="13812345678",
                                             created_at=now)
        app = Application.objects.create(number="SQ2026112600001", kind="item", code=item.code, name=item.name,
                                         channel="window", applicant=applicant, submitted_at=now)
        Case.objects.create(number="BJ2026112600001", application=app, item=item, item_code=item.code,
                            item_name=item.name, department=dept, status="accepted", received_at=now, updated_at=now)
        queue.ticket_link_application(ticket_id=ticket.pk, application_id=app.pk, actor=clerk)

        # 1. the clerk finishes the ticket at the console
        _login(page, "clerk7")
        page.goto(page.base_url + "/hall/console/")
        page.click("button[name=action][value=finish]")
        page.wait_for_load_state()

        # 2. the counter pad (paired from the console's pairing link) offers the rating; the citizen rates
        #    不满意 with a reason
        pairing = page.get_attribute("[data-testid=pad-pairing-link]", "href")
        pad = page.context.browser.new_context(locale="zh-CN", viewport={"width": 800, "height": 1100}).new_page()
        pad.goto(pairing)
        pad.click("button:has-text('确认配对')")
        pad.wait_for_load_state()
        assert pad.url.endswith(f"/hall/counters/{counter.pk}/pad/")
        pad.click("a.pad-rate")
        pad.wait_for_load_state()
        assert "/feedback/rate/" in pad.url
        pad.click("label.level-dissatisfied")
        assert pad.is_visible("fieldset.reasons-dissatisfied")
        pad.click("button.rate-submit")  # no reason yet: refused, names the rule
        assert "须至少选择一项评价内容" in pad.content()
        pad.click("label.level-dissatisfied")
        pad.check("fieldset.reasons-dissatisfied input[value='213']")
        pad.fill("textarea[name=text]", "业务不熟，查了很久")
        pad.click("button.rate-submit")
        pad.wait_for_selector("[data-testid=rate-done]")
        pad.context.close()

        # 3. the department head sees the rectification, and works it to the end
        head = page.context.browser.new_context(locale="zh-CN").new_page()
        head.base_url = page.base_url
        _login(head, "head")
        head.goto(page.base_url + "/feedback/rectifications/")
        row = head.locator("[data-testid=rect-table] tbody tr").first
        assert "不满意" in row.inner_text() and "窗口人员业务不熟练" in row.inner_text() and dept.name in row.inner_text()
        row.locator("a", has_text="办理").click()
        head.wait_for_load_state()
        head.click("text=核实为有效差评")
        head.select_option("select[name=disposition]", "fix_now")
        head.fill("textarea[name=measures]", "对窗口人员开展食品经营许可业务培训")
        head.click("text=提交处置")
        head.select_option("select[name=method]", "anonymous")
        head.fill("textarea[name=outcome]", "匿名评价，整改结果已在大厅公示")
        head.click("text=记录回访")
        head.click("main button:has-text('办结')")
        head.wait_for_load_state()
        assert head.inner_text("[data-testid=rect-state]") == "已办结"

        # 4. the statistics count the bad review as rectified
        head.goto(page.base_url + "/feedback/stats/?start=2026-11-01&end=2026-11-30")
        cards = head.inner_text("[data-testid=stat-cards]")
        assert "100.00%\n差评率" in cards and "100.00%\n差评整改率" in cards
        head.context.close()
