"""The reviewer and the head at the desk, in a browser (issue 19): the worklist's total, a filter kept in the
address and on the way back from a case, the Excel export, bulk acceptance and the head's bulk assignment."""

from __future__ import annotations

import pytest

from onewindow.cases.models import Case
from onewindow.core.access import Role
from tests.cases.conftest import catalog, media, payload, people, post_multipart  # noqa: F401  (fixtures)
from tests.conftest import browser_login

from .shots import shoot


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_reviewer_filters_accepts_several_and_the_head_assigns(page, make_user, catalog, media,  # noqa: F811
                                                                    people) -> None:  # noqa: F811
    make_user("j_reviewer", Role.REVIEWER, department=catalog.dept_a, display_name="郑审查")
    make_user("j_head", Role.DEPARTMENT_HEAD, department=catalog.dept_a, display_name="黄科长")
    for _ in range(3):
        assert post_multipart(people["citizen"], payload()).status_code == 201  # 2 cases of dept A each

    browser_login(page, "j_reviewer")
    page.goto(page.base_url + "/cases/worklist/")
    assert "共 6 件" in page.inner_text("[data-testid=worklist-total]")
    assert shoot(page, "reviewer-worklist") == []
    page.select_option("select[name=item]", "T-EMPLOY")
    page.click("button:has-text('筛选')")
    page.wait_for_load_state()
    assert "item=T-EMPLOY" in page.url and "共 3 件" in page.inner_text("[data-testid=worklist-total]")
    with page.expect_download() as download:
        page.click("[data-testid=worklist-export]")
    assert download.value.suggested_filename.endswith(".xlsx")

    page.locator("a.case-number").first.click()
    page.wait_for_load_state()
    assert shoot(page, "reviewer-case") == []
    page.click("[data-testid=back-to-worklist]")
    page.wait_for_load_state()
    assert "item=T-EMPLOY" in page.url

    page.check("#pick-all")
    page.click("[data-testid=bulk-accept]")
    page.wait_for_load_state()
    assert "已受理 3 个办件" in page.inner_text(".messages") and "item=T-EMPLOY" in page.url
    assert Case.objects.filter(item_code="T-EMPLOY", status="accepted").count() == 3
    page.click("header button:has-text('退出')")
    page.wait_for_load_state()

    browser_login(page, "j_head")
    page.goto(page.base_url + "/cases/worklist/?item=T-EMPLOY")
    page.check("#pick-all")
    page.select_option("select[name=assignee]", label="郑审查")
    assert shoot(page, "head-worklist") == []
    page.click("[data-testid=bulk-assign]")
    page.wait_for_load_state()
    assert "已分派 3 个办件" in page.inner_text(".messages")
    assert page.locator("table.worklist tbody tr", has_text="郑审查").count() == 3
