"""Uploaded files: type sniffed from the content, size limited, stored outside the static root, served only to
those allowed."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests.cases.conftest import JPEG, PDF, payload, post_json


def test_uploads_are_stored_outside_the_static_root_and_no_url_maps_to_them() -> None:
    media, static = Path(settings.MEDIA_ROOT).resolve(), Path(settings.STATIC_ROOT).resolve()
    assert not media.is_relative_to(static) and not static.is_relative_to(media)
    from django.urls import get_resolver

    assert not any("static.serve" in str(p.callback) for p in get_resolver().url_patterns if hasattr(p, "callback"))


@pytest.mark.django_db
def test_a_web_page_named_like_a_pdf_is_refused_naming_the_material_and_nothing_is_stored(cast, catalog) -> None:
    from onewindow.cases.models import Application

    html = b"<html><script>alert(1)</script></html>"
    response = post_json(cast.clients["citizen"], payload(),
                         files={"M-ID": ("id.jpg", JPEG), "M-CONTRACT": ("contract.pdf", html), "M-PHOTO": ("p.png", JPEG)})
    assert response.status_code == 400
    assert any("M-CONTRACT" in (e["field"] or "") for e in response.json()["errors"])
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_a_file_over_the_size_limit_is_refused(cast, catalog, settings) -> None:
    from onewindow.cases.models import Application

    settings.ONEWINDOW = {**settings.ONEWINDOW, "UPLOAD_MAX_BYTES": 1024}
    big = PDF + b"0" * 2048
    response = post_json(cast.clients["citizen"], payload(),
                         files={"M-ID": ("id.jpg", JPEG), "M-CONTRACT": ("c.pdf", big), "M-PHOTO": ("p.png", JPEG)})
    assert response.status_code == 400 and not Application.objects.exists()


@pytest.mark.django_db
def test_a_stored_file_is_served_only_through_the_access_checked_view(cast, submitted, make_user) -> None:
    from onewindow.cases.models import SubmittedMaterial

    material = SubmittedMaterial.objects.filter(application__number=submitted["number"]).exclude(file="").first()
    path = Path(material.file.path).resolve()
    assert path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    owner = cast.clients["citizen"].get(f"/cases/m/{material.pk}/")
    assert owner.status_code == 200 and owner.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in owner.headers["Content-Security-Policy"]
    stranger = Client()
    stranger.force_login(make_user("upload_stranger", "citizen"))
    assert stranger.get(f"/cases/m/{material.pk}/").status_code in (403, 404)
    assert Client().get(f"/cases/m/{material.pk}/").status_code in (302, 403, 404)
    relative = path.relative_to(Path(settings.MEDIA_ROOT).resolve()).as_posix()
    for guess in (f"/uploads/{relative}", f"/media/{relative}", f"/static/{relative}", f"/{relative}"):
        assert Client().get(guess).status_code == 404, guess


@pytest.mark.django_db
def test_inspection_photos_need_a_supervisor_and_must_really_be_images() -> None:
    from onewindow.supervision.services.inspections import sniff_photo

    assert Client().get("/supervision/photos/1/").status_code == 302
    assert sniff_photo(JPEG[:16]) is not None
    assert sniff_photo(b"<svg onload=alert(1)>") is None
    assert sniff_photo(PDF[:16]) is None


# --------------------------------------------------------------------------- size limits before reading


class NoWholeRead(io.BytesIO):
    """A file that refuses to be read whole: every read must ask for a bounded number of bytes."""

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            raise AssertionError("the upload was read whole")
        return super().read(size)


def _upload(name: str, data: bytes) -> object:
    from django.core.files import File

    from onewindow.cases.services.uploads import Upload

    return Upload(name, File(NoWholeRead(data), name=name))


@pytest.mark.django_db
def test_a_request_longer_than_the_limit_is_refused_with_413_before_its_body_is_parsed(cast, catalog, settings,
                                                                                        monkeypatch) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.http import multipartparser

    from onewindow.cases.models import Application

    settings.ONEWINDOW = {**settings.ONEWINDOW, "REQUEST_MAX_BYTES": 64 * 1024}

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("the body was parsed")

    monkeypatch.setattr(multipartparser.MultiPartParser, "parse", never)
    big = SimpleUploadedFile("contract.pdf", PDF + b"0" * 100 * 1024)
    response = cast.clients["citizen"].post("/api/v1/applications", {"payload": "{}", "material.M-CONTRACT": big})
    assert response.status_code == 413
    body = response.json()
    assert set(body) == {"detail", "errors"} and body["errors"][0]["field"] == "body" and "MB" in body["detail"]
    assert not Application.objects.exists()
    big = SimpleUploadedFile("id.pdf", PDF + b"0" * 100 * 1024)
    page = cast.clients["citizen"].post("/cases/apply/item/T-EMPLOY/", {"idem": "x", "material.M-ID": big})
    assert page.status_code == 413


@pytest.mark.django_db
def test_a_json_body_over_the_in_memory_limit_is_refused_with_413(cast, catalog, settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 32 * 1024
    response = post_json(cast.clients["citizen"], payload(), files={"M-CONTRACT": ("c.pdf", PDF + b"0" * 64 * 1024)})
    assert response.status_code == 413 and response.json()["errors"][0]["field"] == "body"


@pytest.mark.django_db
def test_a_multipart_file_over_the_per_file_limit_is_refused_naming_its_field(cast, catalog, settings) -> None:
    from tests.cases.conftest import post_multipart

    settings.ONEWINDOW = {**settings.ONEWINDOW, "UPLOAD_MAX_BYTES": 300 * 1024}
    big = PDF + b"0" * 400 * 1024  # above FILE_UPLOAD_MAX_MEMORY_SIZE too: it arrives as a temporary file
    response = post_multipart(cast.clients["citizen"], payload(),
                              files={"M-ID": ("id.jpg", JPEG), "M-CONTRACT": ("c.pdf", big), "M-PHOTO": ("p.png", JPEG)})
    assert response.status_code == 400
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert "materials.M-CONTRACT" in errors and "文件过大" in errors["materials.M-CONTRACT"]


@pytest.mark.django_db
def test_a_base64_file_over_the_limit_is_refused_from_its_length_naming_its_field(cast, catalog, settings) -> None:
    settings.ONEWINDOW = {**settings.ONEWINDOW, "UPLOAD_MAX_BYTES": 1024}
    response = post_json(cast.clients["citizen"], payload(),
                         files={"M-ID": ("id.jpg", JPEG), "M-CONTRACT": ("c.pdf", PDF + b"0" * 4096)})
    assert response.status_code == 400
    assert "materials.M-CONTRACT" in {e["field"] for e in response.json()["errors"]}


@pytest.mark.django_db
def test_the_upload_checker_never_reads_a_file_whole(cast, catalog, settings, tmp_path) -> None:
    import hashlib

    from onewindow.cases.models import SubmittedMaterial
    from onewindow.cases.services.submission import application_submit
    from onewindow.cases.services.uploads import check_upload
    from onewindow.core.errors import ServiceError

    settings.MEDIA_ROOT = tmp_path
    contract = PDF + b"1" * 300 * 1024
    files = {"M-ID": _upload("id.jpg", JPEG), "M-CONTRACT": _upload("c.pdf", contract), "M-PHOTO": _upload("p.png", JPEG)}
    result = application_submit(actor=cast.users["citizen"], channel="online", kind="bundle", code="T-HIRE",
                                answers={"food": "yes"}, applicant=payload()["applicant"], form=payload()["form"],
                                files=files, idempotency_key="chunks")
    stored = SubmittedMaterial.objects.get(application=result.application, material__code="M-CONTRACT")
    assert stored.size == len(contract) and stored.sha256 == hashlib.sha256(contract).hexdigest()
    assert Path(stored.file.path).read_bytes() == contract
    # an oversized file is refused from its size alone
    settings.ONEWINDOW = {**settings.ONEWINDOW, "UPLOAD_MAX_BYTES": 1024}
    with pytest.raises(ServiceError) as refused:
        check_upload(_upload("c.pdf", contract), field="materials.M-CONTRACT")
    assert refused.value.problems[0].field == "materials.M-CONTRACT"


@pytest.mark.django_db
def test_a_large_upload_over_http_streams_to_disk_instead_of_memory(cast, catalog, settings, tmp_path) -> None:
    """The whole request through Django's handler with the body on disk (as a server would feed it): the peak
    of Python memory stays far below the size of the file."""
    import json
    import tracemalloc

    from django.test.client import BOUNDARY, MULTIPART_CONTENT, ClientHandler, encode_multipart

    from onewindow.cases.models import SubmittedMaterial

    settings.MEDIA_ROOT = tmp_path / "uploads"
    size = 4 * 1024 * 1024
    body_path = tmp_path / "body"
    body = encode_multipart(BOUNDARY, {
        "payload": json.dumps(payload(), ensure_ascii=False),
        "material.M-ID": _named("id.jpg", JPEG), "material.M-PHOTO": _named("p.png", JPEG),
        "material.M-CONTRACT": _named("contract.pdf", PDF + b"2" * (size - len(PDF)))})
    body_path.write_bytes(body)
    length = len(body)
    del body
    session = cast.clients["citizen"].cookies[settings.SESSION_COOKIE_NAME].value
    with body_path.open("rb") as stream:
        environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/api/v1/applications", "SERVER_NAME": "testserver",
                   "SERVER_PORT": "80", "wsgi.url_scheme": "http", "REMOTE_ADDR": "127.0.0.1",
                   "CONTENT_TYPE": MULTIPART_CONTENT, "CONTENT_LENGTH": str(length), "wsgi.input": stream,
                   "HTTP_COOKIE": f"{settings.SESSION_COOKIE_NAME}={session}"}
        tracemalloc.start()
        try:
            response = ClientHandler(enforce_csrf_checks=False)(environ)
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert response.status_code == 201, response.content[:500]
    assert SubmittedMaterial.objects.get(material__code="M-CONTRACT").size == size
    assert peak < size // 2, f"peak {peak / 1048576:.1f} MB for a {size / 1048576:.0f} MB upload"


def _named(name: str, data: bytes) -> object:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)
