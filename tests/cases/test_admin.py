"""The Django admin writes cases data only through the services: 秒批 rules are checked and audited, cases and the
outbox are read-only there, and an outbox message is only ever sent again."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from onewindow.cases.models import AutoApprovalRule, Case, OutboxMessage
from onewindow.core.audit import AuditEntry

from .conftest import case_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(make_user) -> Client:
    user = make_user("cases_admin")
    user.is_staff = user.is_superuser = True
    user.save()
    client = Client()
    client.force_login(user)
    return client


def _rule_form(rule: object, **over: str) -> dict[str, str]:
    return {"item_code": "T-EMPLOY", "enabled": "on", "rule": json.dumps(rule), "result_prefix": "MP", "note": "",
            **over}


def test_a_rule_saved_in_the_admin_is_checked_and_audited(admin_client):
    r = admin_client.post("/admin/cases/autoapprovalrule/add/", _rule_form({"all": [{"field": "employer"}]}))
    assert r.status_code == 200 and "field 条件须给出 equals、in、min 或 max" in r.content.decode()
    assert not AutoApprovalRule.objects.exists() and not AuditEntry.objects.exists()
    rule = {"all": [{"answer": "food", "in": ["yes"]}]}
    r = admin_client.post("/admin/cases/autoapprovalrule/add/", _rule_form(rule))
    assert r.status_code == 302, r.content.decode()[:2000]
    saved = AutoApprovalRule.objects.get()
    entry = AuditEntry.objects.get(action="cases.autoapprovalrule_create")
    assert entry.target_id == str(saved.pk) and entry.detail["rule"] == rule
    r = admin_client.post("/admin/cases/autoapprovalrule/", {
        "action": "delete_selected", "_selected_action": [saved.pk], "post": "yes"})
    assert r.status_code == 302 and not AutoApprovalRule.objects.exists()
    assert AuditEntry.objects.get(action="cases.autoapprovalrule_delete").detail == {"item_code": "T-EMPLOY",
                                                                                     "rule": rule}


def test_cases_and_outbox_messages_cannot_be_changed_or_deleted_in_the_admin(admin_client, people, submitted):
    people["clerk"].post(f"/api/v1/applications/{submitted['number']}/accept")
    case = Case.objects.get(number=case_number(submitted, "T-EMPLOY"))
    msg = OutboxMessage.objects.get(kind="accepted")
    assert admin_client.post(f"/admin/cases/case/{case.pk}/delete/", {"post": "yes"}).status_code == 403
    assert admin_client.post(f"/admin/cases/outboxmessage/{msg.pk}/delete/", {"post": "yes"}).status_code == 403
    page = admin_client.get(f"/admin/cases/outboxmessage/{msg.pk}/change/").content.decode()
    assert "13905931234" not in page
    assert Case.objects.filter(pk=case.pk).exists() and OutboxMessage.objects.filter(pk=msg.pk).exists()


def test_an_outbox_message_is_sent_again_from_the_admin_through_the_sender(admin_client, people, submitted):
    people["clerk"].post(f"/api/v1/applications/{submitted['number']}/accept")
    msg = OutboxMessage.objects.get(kind="accepted")
    r = admin_client.post("/admin/cases/outboxmessage/", {"action": "send_again", "_selected_action": [msg.pk]})
    assert r.status_code == 302
    msg.refresh_from_db()
    assert msg.status == "sent" and msg.attempts == 1 and msg.sent_at is not None
