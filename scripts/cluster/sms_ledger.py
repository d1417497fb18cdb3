"""The SMS sender of the cluster drill (ONEWINDOW_SMS_SENDER=sms_ledger.record): instead of a gateway, one line
per message handed over, appended to OW_CLUSTER_SMS_LOG. The drill compares these lines with the outbox: every
message sent must appear exactly once (a task that ran twice, or a send whose transaction was lost and redone,
shows as a second line)."""

from __future__ import annotations

import json
import os


def record(*, phone: str, text: str) -> None:
    line = json.dumps({"phone": phone, "text": text}, ensure_ascii=False) + "\n"
    fd = os.open(os.environ["OW_CLUSTER_SMS_LOG"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line.encode())  # one write with O_APPEND: whole lines, whatever the other writers do
    finally:
        os.close(fd)
