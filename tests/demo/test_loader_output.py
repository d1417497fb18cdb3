"""The demo loader's output (issue 19): one language a run (English, like the command) and figures that read
right — the supervisor's open problems, not "monitors opened 278, resolved 0"; one line per simulated run of a
hall, not one per day."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest

from onewindow.core import clock
from onewindow.demo import bundles as bundles_demo
from onewindow.demo import cases as cases_demo
from onewindow.demo import catalog as catalog_demo
from onewindow.demo import hall as hall_demo
from onewindow.demo import logins
from onewindow.demo import supervision as supervision_demo

pytestmark = pytest.mark.once_on_sqlite  # see scripts/test.sh

ON = dt.datetime(2026, 11, 20, 12)
CJK = re.compile(r"[\u3400-\u9fff]")


@pytest.mark.django_db
def test_the_hall_and_supervision_loaders_speak_one_language_and_report_open_problems() -> None:
    out = io.StringIO()
    with clock.frozen(ON):
        logins.load()
        catalog_demo.load()
        bundles_demo.load()
        cases_demo.load()
        hall_demo.load(stdout=out)
        supervision_demo.load(stdout=out)
    text = out.getvalue()
    assert not CJK.findall(text), text
    assert "hall huli before the reform:" in text and "hall: ready: huli, fuan-hr" in text
    assert len([line for line in text.splitlines() if line.strip().startswith("hall huli")]) == 2
    found = re.search(r"supervision: (\d+) problems open for the supervisor \((.*?)\); this run found (\d+) new "
                      r"and cleared (\d+)", text)
    assert found, text
    assert int(found.group(1)) >= int(found.group(3))
