"""The clerk at the window, in a browser (issue 19): the console calls a ticket taken for a bundle at the kiosk,
the accept page names the ticket by its number with the bundle preselected, one box ticks every paper verified,
the message says what was done on the spot and what is pending, and the console links the application by number."""

from __future__ import annotations

import re

import pytest

from onewindow.core import clock
from onewindow.core.access import Role
from onewindow.hall.models import ClerkSession, Counter, Ticket
from tests.cases.builders import hall_ticket
from tests.cases.conftest import catalog, media, valid_id  # noqa: F401  (fixtures)
from tests.conftest import browser_login

from .shots import shoot


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_clerk_takes_a_kiosk_ticket_for_a_bundle_from_console_to_acceptance(page, make_user, catalog,  # noqa: F811
                                                                               media) -> None:  # noqa: F811
    clerk = make_user("j_clerk", Role.CLERK)
    ticket = hall_ticket()
    counter = Counter.objects.create(hall=ticket.hall, number=3, name="社会民生综合窗口")
    counter.categories.add(ticket.category)
    ClerkSession.objects.create(counter=counter, clerk=clerk, started_at=clock.now())
    Ticket.objects.filter(pk=ticket.pk).update(status="serving", counter=counter, clerk=clerk, bundle_code="T-HIRE",
                                               service_label="企业招用员工一件事")

    browser_login(page, "j_clerk")
    page.goto(page.base_url + "/hall/console/")
    assert page.inner_text("[data-testid=current-number]") == "A001"
    assert shoot(page, "clerk-console") == []
    page.click("[data-testid=accept]")
    page.wait_for_load_state()
    assert page.inner_text("[data-testid=ticket-number]") == "号码 A001"
    assert "企业招用员工一件事 · 情形选择" in page.content()  # the kiosk's bundle, preselected
    page.check("input[name=food][value=no]")
    page.click("button:has-text('确定情形')")
    page.wait_for_load_state()
    page.fill("input[name='applicant.name']", "林晓梅")
    page.fill("input[name='applicant.id_number']", valid_id())
    page.fill("input[name='applicant.phone']", "13905931234")
    page.fill("input[name='form.employer']", "福安市闽东电机有限公司")
    page.fill("input[name='form.start_date']", "2026-03-02")
    boxes = page.locator("input[name=checked]")
    assert boxes.count() == 2 and not any(boxes.nth(i).is_checked() for i in range(boxes.count()))
    page.check("[data-testid=check-all]")
    assert all(boxes.nth(i).is_checked() for i in range(boxes.count()))
    assert shoot(page, "clerk-accept") == []
    page.click("button:has-text('材料齐全，受理')")
    page.wait_for_url(re.compile(r"/cases/a/SQ\d{8}-\d{4}/$"))
    number = page.url.rstrip("/").rsplit("/", 1)[1]
    assert "已受理 2 个办件：1 个即办件已当场办结，1 个转入部门审查" in page.inner_text(".messages")

    page.goto(page.base_url + "/hall/console/")
    link = page.locator("[data-testid=linked-application]")
    assert link.inner_text() == number and link.get_attribute("href") == f"/cases/a/{number}/"
