"""The logins `onewindow demo` prints: one line per login, and a login scoped to a region says which one."""

import pytest

from onewindow.demo.logins import DEMO_LOGINS, login_lines
from onewindow.demo.regions import ensure_regions

pytestmark = pytest.mark.django_db


def test_each_login_has_a_line_and_the_huli_supervisor_says_she_sees_huli() -> None:
    ensure_regions()
    lines = login_lines()
    assert len(lines) == len(DEMO_LOGINS)
    huli = next(line for line in lines if line.split()[0] == "supervisor_huli")
    assert "湖里区" in huli and "Huli" in huli
    other = next(line for line in lines if line.split()[0] == "supervisor")
    assert "湖里区" not in other and "（" not in other  # the district-wide supervisor is not scoped
