import io

import pytest
from django.core.management import call_command
from django.test import Client

from onewindow.core.models import AuditEntry


@pytest.mark.django_db
def test_health_endpoint_reports_database_and_worker_lag() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert body["status"] == "ok"


@pytest.mark.django_db
def test_every_page_carries_a_content_security_policy_without_inline_script() -> None:
    response = Client().get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "<script>" not in response.content.decode()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_backup_drill_restores_every_row(make_user) -> None:
    make_user("drill-user")
    AuditEntry.objects.create(at="2026-01-05T10:00:00+08:00", action="drill.test")
    out = io.StringIO()
    call_command("backup_drill", stdout=out)
    assert "0 differ" in out.getvalue()
