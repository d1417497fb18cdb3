"""Uploaded files: type sniffed from the content, size limited, stored outside the static root, served only to
those allowed."""

from __future__ import annotations

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
def test_a_web_page_named_like_a_pdf_is_refused_naming_the_material_and_nothing_is_stored(cast, catalog) -> None:  # noqa: ANN001
    from onewindow.cases.models import Application

    html = b"<html><script>alert(1)</script></html>"
    response = post_json(cast.clients["citizen"], payload(),
                         files={"M-ID": ("id.jpg", JPEG), "M-CONTRACT": ("contract.pdf", html), "M-PHOTO": ("p.png", JPEG)})
    assert response.status_code == 400
    assert any("M-CONTRACT" in (e["field"] or "") for e in response.json()["errors"])
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_a_file_over_the_size_limit_is_refused(cast, catalog, settings) -> None:  # noqa: ANN001
    from onewindow.cases.models import Application

    settings.ONEWINDOW = {**settings.ONEWINDOW, "UPLOAD_MAX_BYTES": 1024}
    big = PDF + b"0" * 2048
    response = post_json(cast.clients["citizen"], payload(),
                         files={"M-ID": ("id.jpg", JPEG), "M-CONTRACT": ("c.pdf", big), "M-PHOTO": ("p.png", JPEG)})
    assert response.status_code == 400 and not Application.objects.exists()


@pytest.mark.django_db
def test_a_stored_file_is_served_only_through_the_access_checked_view(cast, submitted, make_user) -> None:  # noqa: ANN001
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
    from onewindow.supervision.services import sniff_photo

    assert Client().get("/supervision/photos/1/").status_code == 302
    assert sniff_photo(JPEG[:16]) is not None
    assert sniff_photo(b"<svg onload=alert(1)>") is None
    assert sniff_photo(PDF[:16]) is None
