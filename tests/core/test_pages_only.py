"""Page-only middlewares are passed by for the JSON API (core.middleware.pages_only), and still run for pages."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from onewindow.core.middleware import (
    PagesOnlyHtmxMiddleware,
    PagesOnlyMessageMiddleware,
    PagesOnlyXFrameOptionsMiddleware,
    pages_only,
)


def _answer(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


def _request(path: str) -> HttpRequest:
    request = RequestFactory().get(path)
    request.session = {}  # type: ignore[attr-defined]  # the message storage looks for it
    return request


def test_an_api_request_passes_by_messages_htmx_and_the_frame_header() -> None:
    request = _request("/api/v1/halls/h/board")
    response = PagesOnlyMessageMiddleware(PagesOnlyHtmxMiddleware(PagesOnlyXFrameOptionsMiddleware(_answer)))(request)
    assert not hasattr(request, "_messages") and not hasattr(request, "htmx")
    assert "X-Frame-Options" not in response.headers  # SecurityHeadersMiddleware sets it for the API


def test_a_page_request_still_gets_messages_htmx_and_the_frame_header() -> None:
    request = _request("/hall/h/")
    response = PagesOnlyMessageMiddleware(PagesOnlyHtmxMiddleware(PagesOnlyXFrameOptionsMiddleware(_answer)))(request)
    assert hasattr(request, "_messages") and hasattr(request, "htmx")
    assert response.headers["X-Frame-Options"] == "DENY"


def test_a_middleware_with_a_view_hook_cannot_be_passed_by() -> None:
    with pytest.raises(ImproperlyConfigured, match="process_view"):
        pages_only("django.middleware.csrf.CsrfViewMiddleware")


@pytest.mark.django_db
def test_the_api_and_the_pages_both_answer_with_the_frame_header(client_for) -> None:
    from onewindow.core.access import Role

    client = client_for(Role.CLERK)
    assert client.get("/api/v1/catalog/departments").headers["X-Frame-Options"] == "DENY"
    assert client.get("/").headers["X-Frame-Options"] == "DENY"
