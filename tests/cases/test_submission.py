"""Submitting applications through the API: one case per item routed to its department, materials once,
idempotent retries, and errors naming the field."""

from __future__ import annotations

import pytest

from onewindow.cases.models import Application, Case, CaseEvent, CaseMaterial, SubmittedMaterial

from .conftest import JPEG, PDF, applicant, case_number, payload, post_json, post_multipart

pytestmark = pytest.mark.django_db


def test_bundle_submission_creates_one_case_per_item_routed_to_its_department(people, catalog, media):
    r = post_multipart(people["citizen"], payload(), key="k1")
    assert r.status_code == 201, r.content
    app = r.json()
    assert app["number"].startswith("SQ") and app["status"] == "received"
    cases = Case.objects.filter(application__number=app["number"]).order_by("number")
    assert [c.item_code for c in cases] == ["T-EMPLOY", "T-INSURE", "T-MARKET"]
    assert [c.department_id for c in cases] == [catalog.dept_a.id, catalog.dept_a.id, catalog.dept_b.id]
    assert cases[0].number == app["number"].replace("SQ", "BJ") + "-01"
    assert CaseEvent.objects.filter(case__in=cases, action="receive").count() == 3
    # the ID card is uploaded once and linked to all three cases that need it
    id_card = SubmittedMaterial.objects.get(application__number=app["number"], material__code="M-ID")
    assert id_card.content_type == "image/jpeg" and id_card.size == len(JPEG) and len(id_card.sha256) == 64
    assert CaseMaterial.objects.filter(submitted=id_card).count() == 3
    assert SubmittedMaterial.objects.filter(application__number=app["number"]).count() == 3
    # the applicant's ID number is masked in the answer
    assert "*" in app["applicant"]["id_number"]


def test_answers_decide_which_items_become_cases(people, catalog, media):
    r = post_multipart(people["citizen"], payload(answers={"food": "no"}),
                       files={"M-ID": ("id.pdf", PDF), "M-CONTRACT": ("c.pdf", PDF)})
    assert r.status_code == 201, r.content
    assert [c["item_code"] for c in r.json()["cases"]] == ["T-EMPLOY", "T-INSURE"]


def test_json_submission_with_base64_files_works(people, catalog, media):
    r = post_json(people["citizen"], payload())
    assert r.status_code == 201, r.content
    assert len(r.json()["cases"]) == 3


def test_retry_with_the_same_idempotency_key_returns_the_first_application_and_creates_nothing(people, catalog, media):
    first = post_multipart(people["citizen"], payload(), key="same-key")
    again = post_multipart(people["citizen"], payload(), key="same-key")
    assert first.status_code == 201 and again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["number"] == first.json()["number"]
    assert Application.objects.count() == 1
    assert Case.objects.count() == 3
    assert SubmittedMaterial.objects.count() == 3


def test_the_same_key_from_another_user_is_a_different_submission(people, catalog, media):
    post_multipart(people["citizen"], payload(), key="shared")
    r = post_multipart(people["other_citizen"], payload(), key="shared")
    assert r.status_code == 201
    assert Application.objects.count() == 2


def test_a_bad_id_number_is_refused_naming_the_field_and_nothing_is_saved(people, catalog, media):
    r = post_multipart(people["citizen"], payload(applicant=applicant(id_number="350981199001011230")))
    assert r.status_code == 400
    fields = {e["field"] for e in r.json()["errors"]}
    assert "applicant.id_number" in fields
    assert Application.objects.count() == 0 and Case.objects.count() == 0


def test_missing_form_field_and_bad_date_name_their_fields(people, catalog, media):
    r = post_multipart(people["citizen"], payload(form={"start_date": "03/02/2026"}))
    assert r.status_code == 400
    errors = {e["field"]: e["message"] for e in r.json()["errors"]}
    assert "form.employer" in errors and "用人单位名称" in errors["form.employer"]
    assert "form.start_date" in errors


def test_an_upload_that_is_not_pdf_jpeg_or_png_is_refused_by_content_not_name(people, catalog, media):
    files = {"M-ID": ("id.jpg", JPEG), "M-CONTRACT": ("contract.pdf", b"MZ\x90\x00 this is an exe"),
             "M-PHOTO": ("shop.png", JPEG)}
    r = post_multipart(people["citizen"], payload(), files=files)
    assert r.status_code == 400
    errors = {e["field"]: e["message"] for e in r.json()["errors"]}
    assert set(errors) == {"materials.M-CONTRACT"}
    assert "PDF" in errors["materials.M-CONTRACT"]
    assert Application.objects.count() == 0
    assert not any(media.rglob("*.*")) if media.exists() else True


def test_an_upload_over_the_size_limit_is_refused_naming_the_field(people, catalog, media, settings):
    settings.ONEWINDOW = {**settings.ONEWINDOW, "UPLOAD_MAX_BYTES": 1024}
    files = {"M-ID": ("id.jpg", JPEG), "M-CONTRACT": ("contract.pdf", PDF + b"0" * 2048), "M-PHOTO": ("p.png", JPEG)}
    r = post_multipart(people["citizen"], payload(), files=files)
    assert r.status_code == 400
    errors = {e["field"]: e["message"] for e in r.json()["errors"]}
    assert "materials.M-CONTRACT" in errors and "过大" in errors["materials.M-CONTRACT"]


def test_an_empty_upload_is_refused(people, catalog, media):
    files = {"M-ID": ("id.jpg", JPEG), "M-CONTRACT": ("contract.pdf", b""), "M-PHOTO": ("p.png", PDF)}
    r = post_json(people["citizen"], payload(), files=files)
    assert r.status_code == 400
    assert {e["field"] for e in r.json()["errors"]} == {"materials.M-CONTRACT"}


def test_a_missing_required_material_is_named(people, catalog, media):
    r = post_multipart(people["citizen"], payload(), files={"M-ID": ("id.jpg", JPEG), "M-PHOTO": ("p.png", PDF)})
    assert r.status_code == 400
    assert {e["field"] for e in r.json()["errors"]} == {"materials.M-CONTRACT"}


def test_a_deferrable_material_may_be_missing_only_with_the_written_promise(people, catalog, media):
    files = {"M-ID": ("id.jpg", JPEG), "M-CONTRACT": ("contract.pdf", PDF)}
    r = post_multipart(people["citizen"], payload(), files=files)
    assert r.status_code == 400
    assert {e["field"] for e in r.json()["errors"]} == {"materials.M-PHOTO"}
    r = post_multipart(people["citizen"], payload(deferral_promise=True), files=files)
    assert r.status_code == 201, r.content
    market = Case.objects.get(number=case_number(r.json(), "T-MARKET"))
    assert [m["code"] for m in market.deferred_materials] == ["M-PHOTO"]
    assert Case.objects.get(number=case_number(r.json(), "T-EMPLOY")).deferred_materials == []


def test_an_unknown_bundle_answer_names_the_question(people, catalog, media):
    r = post_multipart(people["citizen"], payload(answers={"food": "maybe"}))
    assert r.status_code == 400
    assert "food" in {e["field"] for e in r.json()["errors"]}


def test_anonymous_callers_cannot_use_the_api(client, catalog, media):
    r = post_multipart(client, payload())
    assert r.status_code == 401


def test_only_clerks_may_submit_on_the_window_channel(people, catalog, media):
    r = post_multipart(people["citizen"], payload(channel="window"))
    assert r.status_code == 403
    r = post_multipart(people["clerk"], payload(channel="window"))
    assert r.status_code == 201
    assert r.json()["channel"] == "window"
