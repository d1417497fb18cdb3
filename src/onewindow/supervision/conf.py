"""Supervision's settings, read from `settings.ONEWINDOW` with the defaults below.

NOTICE_PREFIX            number prefix of rectification notices (湖审管整改〔2026〕第0012号)
NOTICE_DEFAULT_WORKDAYS  deadline of a notice when none is given (working days)
NOTICE_ISSUER            who signs the notice's PDF
INSPECTION_PHOTO_MAX_BYTES  largest inspection photo accepted
DEADLINE_YELLOW_WORKDAYS    a case due within this many working days is "at risk" (monitor cases.at_risk)
MONITOR_MIN_RATED_SHARE     a department whose completed cases are rated less often is flagged (feedback.unrated)
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    "NOTICE_PREFIX": "湖审管整改",
    "NOTICE_DEFAULT_WORKDAYS": 10,
    "NOTICE_ISSUER": "行政审批管理局",
    "INSPECTION_PHOTO_MAX_BYTES": 5 * 1024 * 1024,
    "DEADLINE_YELLOW_WORKDAYS": 2,
    "MONITOR_MIN_RATED_SHARE": 0.6,
}


def _value(name: str) -> Any:
    return getattr(settings, "ONEWINDOW", {}).get(name, DEFAULTS[name])


def conf_int(name: str) -> int:
    return int(_value(name))


def conf_float(name: str) -> float:
    return float(_value(name))


def conf_str(name: str) -> str:
    return str(_value(name))
