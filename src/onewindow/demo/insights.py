"""Insights demo: the daily rollups the reform-metrics dashboard reads, built from everything the earlier demo
steps recorded (cases, hall tickets, ratings). Incremental on a second run: only the days touched since."""

from __future__ import annotations

from typing import Any

from onewindow.insights.rollups import rollup_refresh


def load(*, scale: int = 0, stdout: Any = None) -> None:
    result = rollup_refresh()
    if stdout:
        stdout.write(f"   insights: rollups {result['start']}…{result['end']}: {result['cases']} case rows, "
                     f"{result['tickets']} ticket rows, {result['ratings']} rating rows")
