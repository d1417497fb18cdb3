"""Holes closed in applications and cases: idempotency keys bound to the request body, rate limits on online
submissions, the progress lookup as an oracle, staff acting on their own applications, control characters."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from onewindow.cases.models import Applicant, Application, Case
from onewindow.core.access import Role

from .conftest import JPEG, PDF, act, applicant, case_number, payload, post_json, post_multipart, valid_id

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    cache.clear()  # rate-limit counters (the database cache; rolled back with the test)


# --------------------------------------------------------------------------- idempotency keys


def test_the_same_key_with_a_different_body_is_a_409_and_creates_nothing(people, catalog, media):
    first = post_multipart(people["citizen"], payload(), key="k-409")
    assert first.status_code == 201
    other = post_multipart(people["citizen"], payload(form={"employer": "另一家公司", "start_date": "2026-03-02"}),
                           key="k-409")
    assert other.status_code == 409
    assert other.json()["errors"][0]["field"] == "Idempotency-Key"
    assert Application.objects.count() == 1 and Case.objects.count() == 3
    # a different file under the same key is a different request too
    files = {"M-ID": ("id.jpg", JPEG + b"other"), "M-CONTRACT": ("c.pdf", PDF), "M-PHOTO": ("p.png", JPEG)}
    assert post_multipart(people["citizen"], payload(), files=files, key="k-409").status_code == 409
    # the very same request is still a replay of the first
    again = post_multipart(people["citizen"], payload(), key="k-409")
    assert again.status_code == 200 and again.json()["number"] == first.json()["number"]


def test_applications_stored_before_fingerprints_still_replay(people, catalog, media):
    first = post_json(people["citizen"], payload(), key="old-key")
    Application.objects.update(idempotency_fingerprint="")  # a row from before the column existed
    again = post_json(people["citizen"], payload(applicant=applicant(name="林晓梅（改）")), key="old-key")
    assert again.status_code == 200 and again.json()["number"] == first.json()["number"]


def test_an_idempotency_key_with_control_characters_or_too_long_is_refused_naming_the_header(people, catalog, media):
    for key in ("a" * 121, "bad\x01key"):
        r = post_json(people["citizen"], payload(), key=key)
        assert r.status_code == 400 and r.json()["errors"][0]["field"] == "Idempotency-Key"
    assert not Application.objects.exists()


def _page_form(**over: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "idem": "page-token-1", "applicant.kind": "person", "applicant.name": "林晓梅", "applicant.id_number": valid_id(),
        "applicant.phone": "13905931234", "form.employer": "闽东电机", "form.start_date": "2026-03-02",
        "material.M-ID": SimpleUploadedFile("id.jpg", JPEG), "material.M-CONTRACT": SimpleUploadedFile("c.pdf", PDF),
        "material.M-PHOTO": SimpleUploadedFile("p.pdf", PDF)}
    data.update(over)
    return data


APPLY_URL = "/cases/apply/bundle/T-HIRE/?food=yes"


def test_anonymous_page_submissions_are_scoped_by_client_address_and_bound_to_their_body(catalog, media):
    first = Client(REMOTE_ADDR="203.0.113.10").post(APPLY_URL, _page_form())
    assert first.status_code == 302
    number = Application.objects.get().number
    assert Application.objects.get().idempotency_scope == "anon:203.0.113.10"
    # the same token from the same address and the same form: the first application (a double click)
    assert Client(REMOTE_ADDR="203.0.113.10").post(APPLY_URL, _page_form())["Location"] == f"/cases/a/{number}/"
    # the same token from the same address with another applicant: refused, nothing created, nothing revealed
    other = Client(REMOTE_ADDR="203.0.113.10").post(APPLY_URL, _page_form(**{"applicant.name": "陈雅琴"}))
    assert other.status_code == 409 and number not in other.content.decode()
    # the same token from another address is another submission
    assert Client(REMOTE_ADDR="203.0.113.11").post(APPLY_URL, _page_form()).status_code == 302
    assert Application.objects.count() == 2


# --------------------------------------------------------------------------- rate limits on online submissions


def test_anonymous_online_applications_are_rate_limited_per_address(catalog, media):
    from onewindow.cases.intake import SUBMIT_LIMITS

    per_address, _per_phone = SUBMIT_LIMITS["anonymous"]
    client = Client(REMOTE_ADDR="198.51.100.20")
    for n in range(per_address):
        # incomplete forms are refused (400) and still count
        r = client.post(APPLY_URL, {"idem": f"t{n}", "applicant.kind": "person", "applicant.name": "x",
                                    "applicant.phone": f"1390593{n:04d}"})
        assert r.status_code == 400
    limited = client.post(APPLY_URL, _page_form(idem="last"))
    assert limited.status_code == 429 and "操作过于频繁" in limited.content.decode()
    assert not Application.objects.exists()
    assert Client(REMOTE_ADDR="198.51.100.21").post(APPLY_URL, _page_form(idem="other")).status_code == 302


def test_anonymous_online_applications_are_rate_limited_per_phone_across_addresses_without_storing_it(catalog, media):
    from onewindow.cases.intake import SUBMIT_LIMITS

    _per_address, per_phone = SUBMIT_LIMITS["anonymous"]
    for n in range(per_phone):
        r = Client(REMOTE_ADDR=f"198.51.100.{30 + n}").post(APPLY_URL, {"idem": f"p{n}", "applicant.kind": "person",
                                                                          "applicant.phone": "139 0593 1234"})
        assert r.status_code == 400
    limited = Client(REMOTE_ADDR="198.51.100.99").post(APPLY_URL, _page_form(**{"applicant.phone": "+8613905931234"}))
    assert limited.status_code == 429
    # another phone from that address goes through
    assert Client(REMOTE_ADDR="198.51.100.99").post(
        APPLY_URL, _page_form(idem="x2", **{"applicant.phone": "13800000000"})).status_code == 302
    from django.core.cache import caches

    keys = " ".join(caches["ratelimit"]._cache)  # the rate-limit counters (process memory in the embedded default)
    assert "rl:cases.submit.anonymous:phone:" in keys
    assert "13905931234" not in keys and "1234" not in keys.replace("rl:", "")


def test_signed_in_api_submissions_are_rate_limited_per_phone(people, catalog, media, monkeypatch):
    from onewindow.cases import intake

    monkeypatch.setitem(intake.SUBMIT_LIMITS, "signed_in", (100, 2))
    for _ in range(2):
        assert post_json(people["citizen"], payload()).status_code == 201
    r = post_json(people["other_citizen"], payload())  # another account, same applicant phone
    assert r.status_code == 429 and set(r.json()) == {"detail", "errors"}
    assert post_json(people["other_citizen"], payload(applicant=applicant(phone="13800001111"))).status_code == 201
    # window submissions by clerks are not limited
    clerk = post_json(people["clerk"], {**payload(), "channel": "window"})
    assert clerk.status_code == 201, clerk.content


# --------------------------------------------------------------------------- progress lookup


def test_the_progress_lookup_of_one_number_locks_after_repeated_misses_from_many_addresses(submitted):
    from onewindow.cases.views.applications import PROGRESS_NUMBER_LIMIT

    number = submitted["number"]
    for n in range(PROGRESS_NUMBER_LIMIT):
        r = Client(REMOTE_ADDR=f"192.0.2.{n + 1}").post("/cases/progress/", {"number": number, "last4": f"{n:04d}"})
        assert r.status_code == 200 and "未查询到匹配的申请" in r.content.decode()
    # the right digits from a fresh address no longer help: the number is locked for a while
    r = Client(REMOTE_ADDR="192.0.2.200").post("/cases/progress/", {"number": number, "last4": "1234"})
    assert r.status_code == 429 and "就业登记" not in r.content.decode()
    # an unknown number behaves exactly alike (no oracle), and other numbers are not affected
    for n in range(PROGRESS_NUMBER_LIMIT):
        Client(REMOTE_ADDR=f"192.0.2.{n + 1}").post("/cases/progress/", {"number": "SQ20000101-0001", "last4": "0000"})
    assert Client(REMOTE_ADDR="192.0.2.201").post(
        "/cases/progress/", {"number": "SQ20000101-0001", "last4": "0000"}).status_code == 429


# --------------------------------------------------------------------------- staff and their own applications


def _own_online_application(client: Client) -> dict:
    r = post_json(client, {**payload(), "channel": "online"})
    assert r.status_code == 201, r.content
    return r.json()


def test_a_clerk_cannot_accept_their_own_online_application_another_clerk_can(people, catalog, media,
                                                                               client_for: Callable[..., Client]):
    mine = _own_online_application(people["clerk"])
    refused = people["clerk"].post(f"/api/v1/applications/{mine['number']}/accept")
    assert refused.status_code == 403
    number = case_number(mine, "T-EMPLOY")
    assert act(people["clerk"], number, "accept").status_code == 403
    page = people["clerk"].post(f"/cases/a/{mine['number']}/act/accept/")
    assert page.status_code == 302
    assert set(Case.objects.filter(application__number=mine["number"]).values_list("status", flat=True)) == {"received"}
    assert client_for(Role.CLERK).post(f"/api/v1/applications/{mine['number']}/accept").status_code == 200


def test_a_reviewer_cannot_decide_their_own_application(people, catalog, media):
    mine = _own_online_application(people["reviewer_a"])
    number = case_number(mine, "T-EMPLOY")
    assert act(people["clerk"], number, "accept").status_code == 200
    assert act(people["reviewer_a"], number, "approve").status_code == 403
    page = people["reviewer_a"].get(f"/cases/c/{number}/").content.decode()
    assert "/act/approve/" not in page
    assert act(people["reviewer_a2"], number, "approve").status_code == 200


def test_a_clerk_still_accepts_what_they_submitted_at_the_window_for_a_citizen(people, catalog, media):
    r = post_json(people["clerk"], {**payload(), "channel": "window"})
    assert r.status_code == 201
    assert people["clerk"].post(f"/api/v1/applications/{r.json()['number']}/accept").status_code == 200


def test_the_service_refuses_a_clerk_acting_on_their_own_application(people, catalog, media):
    from onewindow.cases.services.lifecycle import application_accept
    from onewindow.core.errors import Forbidden

    mine = _own_online_application(people["clerk"])
    with pytest.raises(Forbidden):
        application_accept(application=mine["number"], actor=people["clerk"].user)


# --------------------------------------------------------------------------- control characters at input


def test_control_characters_are_removed_from_the_applicant_and_form_at_input(people, catalog, media):
    data = payload(applicant=applicant(name="林晓梅\x0b\x1b"),
                   form={"employer": "福安市\x0b闽东\x07电机\r\n有限公司", "start_date": "2026-03-02"})
    r = post_json(people["citizen"], data)
    assert r.status_code == 201, r.content
    assert Applicant.objects.get().name == "林晓梅"
    assert Application.objects.get().form_data["employer"] == "福安市闽东电机\n有限公司"


def test_a_too_long_legal_representative_is_a_400_naming_the_field_not_a_server_error(people, catalog, media):
    enterprise = {"kind": "enterprise", "name": "闽东电机", "credit_code": "91350981MA2XXXXXX0",
                  "legal_representative": "张" * 60, "contact_name": "陈", "contact_phone": "13905931234"}
    r = post_json(people["citizen"], payload(applicant=enterprise))
    assert r.status_code == 400
    assert "applicant.legal_representative" in {e["field"] for e in r.json()["errors"]}
