"""A month of supervision in the browser: an inspection with a failed point → a notice → the department's
response → accepted → the ranking shows the notice and the rectification on time."""

import pytest
from django.utils import timezone

from onewindow.core.access import Role
from onewindow.supervision.models import ChecklistPoint, ChecklistTemplate, Notice
from tests.conftest import browser_login
from tests.supervision import builders as b


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_inspection_failed_point_notice_response_acceptance_and_ranking(page, make_user) -> None:
    d = b.department("HL-SCJ", "湖里区市场监督管理局")
    b.item(d)
    b.rating(d, "very_satisfied", timezone.now())  # a rating this month: ranked (no data is listed apart)
    hall = b.hall()
    t = ChecklistTemplate.objects.create(code="daily", name="大厅日常检查")
    ChecklistPoint.objects.create(template=t, group="attire", code="badge", text="佩戴工作牌", order=1)
    ChecklistPoint.objects.create(template=t, group="cleanliness", code="desk", text="台面整洁", order=2)
    make_user("sup", Role.SUPERVISOR)
    make_user("boss", Role.DEPARTMENT_HEAD, department=d)

    browser_login(page, "sup")
    page.goto(page.base_url + "/supervision/ranking/")
    assert page.locator(f'[data-testid="total-{d.code}"]').inner_text() == "80.00"  # (25×100 好评 + 15×100 notices + 10×0 instant) / 50

    page.goto(page.base_url + "/supervision/inspections/")
    page.select_option("select[name=hall]", str(hall.pk))
    page.click('[data-testid="start-inspection"]')
    badge = page.locator('[data-testid="point-badge"]')
    badge.locator("input[value=no]").check()
    badge.locator("textarea[name=note]").fill("3号窗口未佩戴工作牌")
    badge.locator("button[type=submit]").click()
    desk = page.locator('[data-testid="point-desk"]')
    desk.locator("input[value=yes]").check()
    desk.locator("button[type=submit]").click()
    assert "不合格 1 项" in page.locator('[data-testid="progress"]').inner_text()
    page.click('[data-testid="submit-inspection"]')
    page.locator('[data-testid="point-badge"] a.btn').click()  # 下发整改通知

    form = page.locator('[data-testid="notice-form"]')
    form.locator("select[name=department_id]").select_option(str(d.pk))
    form.locator("select[name=hall_id]").select_option("")
    form.locator("input[name=workdays]").fill("5")
    page.click('[data-testid="issue-notice"]')
    number = page.locator('[data-testid="notice-number"]').inner_text()
    assert number.startswith("湖审管整改〔")
    notice = Notice.objects.get()
    assert notice.department_id == d.pk and "未佩戴工作牌" in notice.problem

    page.goto(page.base_url + "/supervision/ranking/")
    assert page.locator(f'[data-testid="total-{d.code}"]').inner_text() == "77.00"  # (25×100 + 15×90 + 10×0) / 50

    page.context.clear_cookies()
    browser_login(page, "boss")
    page.goto(page.base_url + f"/supervision/notices/{notice.pk}/")
    page.fill('[data-testid="respond-form"] textarea[name=response]', "已补发工作牌并每日上岗检查")
    page.click('[data-testid="respond-form"] button[type=submit]')
    assert "已反馈" in page.locator('[data-testid="notice-status"]').inner_text()

    page.context.clear_cookies()
    browser_login(page, "sup")
    page.goto(page.base_url + f"/supervision/notices/{notice.pk}/")
    page.fill('[data-testid="verify-form"] textarea[name=note]', "复查到位")
    page.click('[data-testid="verify-form"] button[value=accept]')
    assert "已验收办结" in page.locator('[data-testid="notice-status"]').inner_text()

    page.goto(page.base_url + "/supervision/ranking/")
    row = page.locator('[data-testid="ranking"] tbody tr').first
    assert "100.0" in row.inner_text() and "1/1" in row.inner_text()  # rectified on time
    # (25×100 + 20×100 + 15×90 + 10×0) / 70 = 83.57: rectification on time now counts
    assert page.locator(f'[data-testid="total-{d.code}"]').inner_text() == "83.57"
