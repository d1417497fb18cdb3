"""Files kept for a refused application form are deleted by a daily job once the form is abandoned."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from onewindow.cases.tasks import purge_pending_uploads
from onewindow.core import clock
from onewindow.core.registry import daily_jobs


def test_purging_pending_uploads_is_a_daily_job() -> None:
    assert "onewindow.cases.tasks:purge_pending_uploads" in {job.task for job in daily_jobs()}


@pytest.mark.django_db
def test_the_daily_job_deletes_only_files_of_forms_abandoned_days_ago(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    old = default_storage.save("pending/20261120/old.pdf", ContentFile(b"%PDF-1.4 old"))
    new = default_storage.save("pending/20261203/new.pdf", ContentFile(b"%PDF-1.4 new"))
    with clock.frozen(dt.datetime(2026, 12, 4, 3, tzinfo=dt.UTC)):
        assert purge_pending_uploads.call() == 1
    assert not default_storage.exists(old) and default_storage.exists(new)
