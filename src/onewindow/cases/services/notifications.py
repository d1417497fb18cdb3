"""What the applicant is told by SMS, through the outbox.

A message is a row in `OutboxMessage`, written in the transaction of the act it reports (so a rolled-back act
sends nothing) and handed to the `send_outbox_message` task once that transaction commits. The task sends it
through the configured sender (cases.notify) and records the outcome; a failed send stays pending and is
retried by the daily `send_pending_messages` job, up to five attempts.

The per-message task lives here, next to the outbox it drains: the services enqueue it and `cases.tasks`
re-exports it, so neither imports the other (tasks import only downward).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.db import transaction
from django_tasks import task

from onewindow.cases.models import DONE_STATUSES, Application, Case, CaseStatus, OutboxMessage, OutboxStatus
from onewindow.cases.notify import get_sender
from onewindow.core import clock

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
PENDING_BATCH = 1000


# --------------------------------------------------------------------------- the outbox


def notify(*, phone: str, text: str, kind: str, case: Case | None = None,
           application: Application | None = None) -> OutboxMessage | None:
    """Queue one SMS (nothing without a phone number); it is sent after the surrounding transaction commits."""
    if not phone:
        return None
    msg = OutboxMessage.objects.create(recipient_phone=phone, text=text, kind=kind, case=case, application=application,
                                       created_at=clock.now())
    transaction.on_commit(lambda: _enqueue(msg.pk))
    return msg


def _enqueue(message_id: int) -> None:
    try:
        send_outbox_message.enqueue(message_id)
    except Exception:
        log.warning("could not enqueue outbox message %s", message_id, exc_info=True)


def mark_message(*, message_id: int) -> str:
    """Send one outbox message through the configured sender; returns the new status."""
    with transaction.atomic():
        msg = OutboxMessage.objects.select_for_update().filter(pk=message_id).first()
        if msg is None:
            return "missing"
        if msg.status == OutboxStatus.SENT:
            return msg.status
        msg.attempts += 1
        try:
            get_sender()(phone=msg.recipient_phone, text=msg.text)
        except Exception as exc:  # noqa: BLE001 - any sender failure is recorded and retried later
            msg.status = OutboxStatus.FAILED if msg.attempts >= MAX_ATTEMPTS else OutboxStatus.PENDING
            msg.last_error = str(exc)[:200]
        else:
            msg.status = OutboxStatus.SENT
            msg.sent_at = clock.now()
        msg.save(update_fields=["attempts", "status", "last_error", "sent_at"])
        return msg.status


def send_pending(*, limit: int | None = PENDING_BATCH) -> int:
    """Try every pending message once more (the safety net for messages whose task was lost)."""
    ids = OutboxMessage.objects.filter(status=OutboxStatus.PENDING).values_list("pk", flat=True)
    batch = list(ids[:limit] if limit else ids)
    for pk in batch:
        mark_message(message_id=pk)
    return len(batch)


@task()
def send_outbox_message(message_id: int) -> str:
    """Send one notification from the outbox through the configured sender."""
    return mark_message(message_id=message_id)


# --------------------------------------------------------------------------- what the applicant is told


def _short_name(application: Application) -> str:
    return application.name if len(application.name) <= 20 else application.name[:20] + "…"


def _phone(case: Case) -> str:
    return case.application.applicant.notify_phone


def notify_accepted(application: Application, cases: Sequence[Case]) -> None:
    """One SMS for an acceptance: the latest promised date, or "done on the spot" when everything completed."""
    dues = [c.due_date for c in cases if c.due_date and c.status not in DONE_STATUSES]
    if dues:
        text = (f"【一窗通办】您的申请{application.number}（{_short_name(application)}）已受理，"
                f"承诺{max(dues):%Y年%m月%d日}前办结，可凭编号和手机尾号查询进度。")
    elif any(c.status == CaseStatus.COMPLETED for c in cases):
        text = f"【一窗通办】您的申请{application.number}（{_short_name(application)}）已当场办结。"
    else:
        return
    notify(phone=application.applicant.notify_phone, text=text, kind="accepted", application=application)


def notify_supplement(application: Application, names: Sequence[str]) -> None:
    listed = "、".join(names)
    notify(phone=application.applicant.notify_phone, kind="supplement", application=application,
           text=f"【一窗通办】您的申请{application.number}需一次性补正：{listed[:120]}。补齐之日起计算办理时限。")


def notify_not_accepted(case: Case, reason: str) -> None:
    notify(phone=_phone(case), kind="not_accepted", case=case, application=case.application,
           text=f"【一窗通办】您申请的「{case.item_name}」（{case.number}）不予受理，理由：{reason[:60]}")


def notify_denied(case: Case, reason: str) -> None:
    notify(phone=_phone(case), kind="denied", case=case, application=case.application,
           text=f"【一窗通办】您申请的「{case.item_name}」（{case.number}）不予批准，理由：{reason[:60]}")


DELIVERY_TEXT = {"pickup": "请到窗口领取", "post": "已邮寄，快递单号{ref}", "locker": "已放入24小时智能柜，取件码{ref}",
                 "electronic": "电子证照已发放"}


def notify_delivered(case: Case) -> None:
    how = DELIVERY_TEXT[case.delivery_method].format(ref=case.delivery_ref)
    notify(phone=_phone(case), kind="delivered", case=case, application=case.application,
           text=f"【一窗通办】「{case.item_name}」（{case.number}）结果{how}。")


def notify_terminated(case: Case) -> None:
    notify(phone=_phone(case), kind="terminated", case=case, application=case.application,
           text=f"【一窗通办】「{case.item_name}」（{case.number}）容缺材料未按期补齐，办件已终止。")


def notify_if_application_done(application: Application) -> None:
    """统一出件: one SMS when every case is done and at least one has a result (never twice)."""
    statuses = list(Case.objects.filter(application=application).values_list("status", flat=True))
    done = bool(statuses) and all(s in DONE_STATUSES for s in statuses)
    if not done or not any(s in (CaseStatus.COMPLETED, CaseStatus.DELIVERED) for s in statuses):
        return
    if OutboxMessage.objects.filter(application=application, kind="completed").exists():
        return
    notify(phone=application.applicant.notify_phone, kind="completed", application=application,
           text=f"【一窗通办】您的申请{application.number}（{_short_name(application)}）已全部办结，请按选择的方式领取结果。")
