from io import StringIO

import pytest
from django.core.management import call_command
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from onewindow.core.audit import audit_log
from onewindow.core.models import AuditEntry


@task()
def write_marker(label: str) -> str:
    audit_log(actor=None, action="test.worker_ran", target_id=label)
    return label


@pytest.mark.django_db(transaction=True)  # the worker closes and reopens connections
def test_the_worker_command_runs_queued_tasks() -> None:
    result = write_marker.enqueue("first")
    assert not AuditEntry.objects.filter(action="test.worker_ran").exists()
    call_command("worker", "--batch", "--no-startup-delay", "--interval", "0.01", stdout=StringIO(), stderr=StringIO())
    assert AuditEntry.objects.get(action="test.worker_ran").target_id == "first"
    row = DBTaskResult.objects.get(id=result.id)
    assert row.status == "SUCCESSFUL"
