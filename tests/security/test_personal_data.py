"""Personal data: masked in lists and exports, full views audited, anonymised after the retention period."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from onewindow.core.models import AuditEntry
from tests.cases.conftest import valid_id

FULL_ID = valid_id()
FULL_PHONE = "13905931234"


@pytest.mark.django_db
def test_list_pages_and_api_lists_never_show_a_full_id_number_or_phone(cast, submitted) -> None:
    outputs = {}
    for who, url in (("reviewer_a", "/cases/worklist/"), ("reviewer_a", "/api/v1/worklist"),
                     ("department_head", "/cases/worklist/"), ("citizen", "/cases/mine/"),
                     ("supervisor", "/api/v1/feedback/ratings"), ("supervisor", "/feedback/suggestions/"),
                     ("clerk", "/cases/clerk/accept/")):
        response = cast.clients[who].get(url)
        outputs[f"{who} {url}"] = response.content.decode()
    outputs["submit answer"] = json.dumps(submitted, ensure_ascii=False)
    for where, text in outputs.items():
        assert FULL_ID not in text, where
        assert FULL_PHONE not in text, where
    assert FULL_ID[:6] + "********" + FULL_ID[-4:] in outputs["submit answer"]


@pytest.mark.django_db
def test_pages_show_masked_data_and_each_full_view_is_audited(cast, submitted) -> None:
    number = submitted["number"]
    case = next(c["number"] for c in submitted["cases"])
    reviewer = "reviewer_a" if cast.clients["reviewer_a"].get(f"/cases/c/{case}/").status_code == 200 else "reviewer_b"
    masked = cast.clients[reviewer].get(f"/cases/c/{case}/").content.decode()
    assert FULL_ID not in masked and FULL_PHONE not in masked
    assert not AuditEntry.objects.filter(action="applicant.view_full").exists()
    cast.clients["clerk"].get(f"/cases/a/{number}/?full=1")
    full = cast.clients[reviewer].get(f"/cases/c/{case}/?full=1").content.decode()
    assert FULL_ID in full
    entries = AuditEntry.objects.filter(action="applicant.view_full")
    assert entries.count() == 2
    assert {e.actor.username for e in entries} == {"sec_clerk", f"sec_{reviewer}"}
    # a citizen cannot ask for the unmasked staff view
    cast.clients["citizen"].get(f"/cases/a/{number}/?full=1")
    assert entries.count() == 2
    assert FULL_ID not in json.dumps(list(AuditEntry.objects.values("detail")), ensure_ascii=False, default=str)


@pytest.mark.django_db
def test_retention_anonymises_old_closed_applications_once_and_leaves_open_ones(cast, submitted) -> None:
    from onewindow.cases.models import Application, SubmittedMaterial

    number = submitted["number"]
    withdrawn = cast.clients["citizen"].post(f"/api/v1/applications/{number}/withdraw", {"reason": "不再需要"},
                                             content_type="application/json")
    assert withdrawn.status_code == 200, withdrawn.content
    Application.objects.filter(number=number).update(submitted_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    paths = [m.file.path for m in SubmittedMaterial.objects.filter(application__number=number) if m.file]
    assert paths

    out = io.StringIO()
    call_command("retention", "--older-than-days", "365", "--dry-run", stdout=out)
    assert "would anonymise 1 applications" in out.getvalue()
    assert Application.objects.get(number=number).applicant.name == "林晓梅"  # dry run changed nothing

    call_command("retention", "--older-than-days", "365", stdout=out)
    app = Application.objects.select_related("applicant").get(number=number)
    assert app.applicant.name == "已匿名" and app.applicant.id_number != FULL_ID and app.applicant.phone == ""
    assert set(app.applicant.id_number) == {"*"} and app.phone_last4 == ""
    assert all(not m.file for m in SubmittedMaterial.objects.filter(application=app))
    import os

    assert not any(os.path.exists(p) for p in paths)
    assert AuditEntry.objects.filter(action="application.anonymise", target_id=str(app.pk)).count() == 1

    again = io.StringIO()
    call_command("retention", "--older-than-days", "365", stdout=again)
    assert "anonymised 0 applications" in again.getvalue()
    assert AuditEntry.objects.filter(action="application.anonymise").count() == 1


@pytest.mark.django_db
def test_retention_keeps_open_and_recent_applications(cast, submitted) -> None:
    from onewindow.cases.models import Application

    number = submitted["number"]
    Application.objects.filter(number=number).update(submitted_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    out = io.StringIO()
    call_command("retention", "--older-than-days", "365", stdout=out)  # still open: untouched
    assert Application.objects.get(number=number).applicant.name == "林晓梅"
    assert "anonymised 0 applications" in out.getvalue()
