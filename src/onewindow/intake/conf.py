"""Intake's settings, read from settings.ONEWINDOW with their defaults in one place."""

from __future__ import annotations

from typing import Any

from django.conf import settings


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, "ONEWINDOW", {}).get(name, default)


def drop_code_hours() -> int:
    """ONEWINDOW["LOCKER_DROP_CODE_HOURS"] (72): how long a drop code opens a compartment."""
    return int(_setting("LOCKER_DROP_CODE_HOURS", 72))


def pickup_code_days() -> int:
    """ONEWINDOW["LOCKER_PICKUP_CODE_DAYS"] (7): how long a pickup code opens the compartment with the results."""
    return int(_setting("LOCKER_PICKUP_CODE_DAYS", 7))


def device_days() -> int:
    """ONEWINDOW["LOCKER_DEVICE_DAYS"] (365): how long a locker terminal's pairing lasts."""
    return int(_setting("LOCKER_DEVICE_DAYS", 365))


def pairing_minutes() -> int:
    """ONEWINDOW["LOCKER_PAIRING_MINUTES"] (15): how long a terminal pairing code can be used."""
    return int(_setting("LOCKER_PAIRING_MINUTES", 15))


def terminal_attempts_per_hour() -> int:
    """ONEWINDOW["LOCKER_TERMINAL_ATTEMPTS"] (30): codes one application may be tried with per hour at a terminal."""
    return int(_setting("LOCKER_TERMINAL_ATTEMPTS", 30))
