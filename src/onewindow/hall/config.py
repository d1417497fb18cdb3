"""The hall's settings, read from settings.ONEWINDOW with their defaults in one place."""

from __future__ import annotations

from typing import Any

from django.conf import settings


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, "ONEWINDOW", {}).get(name, default)


def no_show_policy() -> str:
    """ONEWINDOW["NO_SHOW_POLICY"]: "requeue_once" (顺延 once to the back of the queue) or "close"."""
    return str(_setting("NO_SHOW_POLICY", "requeue_once"))


def appointment_grace_minutes() -> int:
    """ONEWINDOW["APPOINTMENT_GRACE_MINUTES"] (15): how late after its slot starts a booking still checks in
    as a priority ticket at the slot time."""
    return int(_setting("APPOINTMENT_GRACE_MINUTES", 15))


def default_service_minutes() -> int:
    """ONEWINDOW["DEFAULT_SERVICE_MINUTES"] (8): the wait estimate's service time for a category without one."""
    return int(_setting("DEFAULT_SERVICE_MINUTES", 8))


def pad_device_days() -> int:
    """ONEWINDOW["PAD_DEVICE_DAYS"] (90): how long a pairing lasts before the pad must be paired again."""
    return int(_setting("PAD_DEVICE_DAYS", 90))


def pad_pairing_minutes() -> int:
    """ONEWINDOW["PAD_PAIRING_MINUTES"] (10): how long a pairing address (link / QR code) can be used."""
    return int(_setting("PAD_PAIRING_MINUTES", 10))


def demo_halls_always_open() -> bool:
    """ONEWINDOW["DEMO_HALLS_ALWAYS_OPEN"] (off; env ONEWINDOW_DEMO_HALLS_ALWAYS_OPEN=1): a demo setting that keeps
    every hall open at any hour, so the hall journey (kiosk, phone ticket, console) can be tried after closing
    time. Never on in production: opening hours decide when tickets are issued."""
    return bool(_setting("DEMO_HALLS_ALWAYS_OPEN", False))
