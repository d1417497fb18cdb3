"""Pluggable SMS senders for the notifications outbox.

settings.ONEWINDOW["SMS_SENDER"] is a dotted path to a callable `sender(*, phone: str, text: str) -> None`
that raises on failure. The default logs the message with the phone number masked.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger("onewindow.sms")

DEFAULT_SENDER = "onewindow.cases.notify.logging_sender"


def logging_sender(*, phone: str, text: str) -> None:
    from onewindow.core.masking import mask_phone

    log.info("SMS to %s: %s", mask_phone(phone), text)


def get_sender() -> Callable[..., None]:
    path = getattr(settings, "ONEWINDOW", {}).get("SMS_SENDER") or DEFAULT_SENDER
    return import_string(path)
