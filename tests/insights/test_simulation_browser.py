"""The simulation page in a real browser: the charts draw and the equal-staff button fills the windows."""

import pytest

from onewindow.core.access import Role
from tests.conftest import browser_login


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_supervisor_sees_layout_charts_and_fills_equal_staff(page, make_user):
    make_user("sim_supervisor", Role.SUPERVISOR)
    browser_login(page, "sim_supervisor")
    page.goto(page.base_url + "/insights/simulation/?source=example&reps=2")
    page.wait_for_selector("div.chart .main-svg", timeout=30000)
    assert page.locator("div.chart .main-svg").count() >= 4  # layouts, categories, hours, plan
    assert "综合窗口" in page.locator("#cmp-h + .grid").inner_text()
    page.fill("input[name=dep_shebao]", "4")
    page.click("[data-equal-staff]")
    assert page.input_value("#comp-input") == "8"  # 4 + 1 + 1 + 1 + 1
