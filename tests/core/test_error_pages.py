"""Every error a page can answer is the site's own page with a way back; the API keeps its JSON shape."""

import logging

import pytest
from django.test import Client

from onewindow.core.access import Role


def assert_site_page(response, status: int) -> str:
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    text = response.content.decode()
    assert 'class="site-header"' in text, "the page keeps the site's header and menu"
    assert 'href="/"' in text, "the page offers a way back home"
    return text


@pytest.mark.django_db
def test_a_form_address_opened_directly_answers_the_site_page_405_not_a_blank_one(client_for) -> None:
    response = client_for(Role.CITIZEN).get("/prefs/large-type/")
    text = assert_site_page(response, 405)
    assert "无法直接打开此地址" in text
    assert response["Allow"] == "POST"


@pytest.mark.django_db
def test_the_405_page_links_back_to_the_page_the_visitor_came_from(client_for) -> None:
    response = client_for(Role.CITIZEN).get("/prefs/large-type/", HTTP_REFERER="http://testserver/community/me/")
    assert 'href="http://testserver/community/me/"' in assert_site_page(response, 405)


@pytest.mark.django_db
def test_a_back_link_never_points_to_another_site(client_for) -> None:
    response = client_for(Role.CITIZEN).get("/prefs/large-type/", HTTP_REFERER="https://evil.example/x")
    assert "evil.example" not in assert_site_page(response, 405)


@pytest.mark.django_db
def test_a_page_refused_to_the_role_answers_the_site_page_403(client_for) -> None:
    text = assert_site_page(client_for(Role.CITIZEN).get("/feedback/suggestions/import/"), 403)
    assert "没有权限" in text


@pytest.mark.django_db
def test_an_unknown_address_answers_the_site_page_404() -> None:
    text = assert_site_page(Client().get("/no-such-page/"), 404)
    assert "页面不存在" in text


@pytest.mark.django_db
def test_bad_input_on_a_page_answers_the_site_page_400_naming_the_field() -> None:
    text = assert_site_page(Client().get("/supervision/public/ranking/?month=2026-13"), 400)
    assert "month" in text


@pytest.mark.django_db
def test_an_oversized_upload_answers_the_site_page_413_before_reading_the_body(settings) -> None:
    settings.ONEWINDOW = {**settings.ONEWINDOW, "REQUEST_MAX_BYTES": 1000}
    response = Client().post("/feedback/suggest/", data=b"x" * 2000,
                             content_type="multipart/form-data; boundary=zzz")
    text = assert_site_page(response, 413)
    assert "MB" in text


@pytest.mark.django_db
def test_a_rate_limited_page_answers_the_site_page_429(rf) -> None:
    from django.contrib.auth.models import AnonymousUser

    from onewindow.core.inputs import error_response
    from onewindow.core.security import RateLimited

    request = rf.get("/cases/progress/")
    request.user = AnonymousUser()
    response = error_response(request, RateLimited("操作过于频繁，请稍后再试"))
    text = assert_site_page(response, 429)
    assert "操作过于频繁" in text


def test_the_500_page_stands_alone_with_a_way_home() -> None:
    from django.template.loader import get_template

    text = get_template("500.html").render({})
    assert 'href="/"' in text and "系统繁忙" in text


@pytest.mark.django_db
def test_api_errors_stay_json(client_for) -> None:
    response = client_for(Role.CITIZEN).get("/api/v1/no-such-endpoint")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    refused = Client().get("/api/v1/cases/worklist")
    assert refused["Content-Type"].startswith("application/json")


@pytest.mark.django_db
def test_a_refused_page_logs_one_warning_line_without_a_traceback(client_for, caplog) -> None:
    from onewindow.core.error_pages import OneLineClientErrors

    handler_filter = OneLineClientErrors()
    with caplog.at_level(logging.WARNING, logger="django.request"):
        client_for(Role.CITIZEN).get("/feedback/suggestions/import/")
    records = [r for r in caplog.records if r.name == "django.request"]
    assert records, "the refusal is logged"
    for record in records:
        handler_filter.filter(record)
        assert record.exc_info is None
        line = logging.Formatter().format(record)
        assert "\n" not in line and "Traceback" not in line
        assert "Forbidden" in line and "PermissionDenied" in line


def test_a_server_error_keeps_its_traceback() -> None:
    from onewindow.core.error_pages import OneLineClientErrors

    try:
        raise RuntimeError("boom")
    except RuntimeError:
        import sys

        record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s",
                                   ("/x",), sys.exc_info())
    record.status_code = 500
    OneLineClientErrors().filter(record)
    assert "Traceback" in logging.Formatter().format(record)


def test_the_console_log_handler_uses_the_one_line_filter() -> None:
    from django.conf import settings

    assert "one_line_client_errors" in settings.LOGGING["handlers"]["console"]["filters"]
