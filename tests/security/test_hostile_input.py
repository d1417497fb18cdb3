"""Hostile input never answers 500: each kind is refused with a 4xx naming the field, through the JSON API,
Open311 and the HTML pages (onewindow.core.inputs is the edge that does it)."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from django.test import Client

BIG = str(10**40)
DEEP = "[" * 100_000 + "]" * 100_000


def _fields(response: Any) -> list[str | None]:
    return [e["field"] for e in response.json()["errors"]]


def _open311_description(response: Any) -> str:
    body = response.json()
    assert isinstance(body, list) and body and {"code", "description"} <= set(body[0]), body
    return body[0]["description"]


@pytest.fixture
def open311_code(db: None) -> str:
    from onewindow.feedback.models import SuggestionCategory

    return SuggestionCategory.objects.create(code="roads", name="道路设施").code


# --------------------------------------------------------------------------- deeply nested JSON


@pytest.mark.django_db
def test_deeply_nested_json_is_refused_naming_the_body_before_any_parser_recurses(cast) -> None:
    citizen = cast.clients["citizen"]
    deep_object = '{"a":' * 5000 + "1" + "}" * 5000
    for url, body in (("/api/v1/applications", DEEP), ("/api/v1/applications", deep_object),
                      ("/api/v1/feedback/suggestions", DEEP)):
        response = citizen.post(url, body, content_type="application/json")
        assert response.status_code == 400, (url, response.status_code)
        assert _fields(response) == ["body"], response.json()
    # whatever the declared type: django-ninja and the cases API parse any body as JSON
    response = citizen.post("/api/v1/applications", DEEP, content_type="text/plain")
    assert response.status_code == 400 and _fields(response) == ["body"]
    # JSON carried in a multipart form field (the cases API's `payload`) is checked under the field's name
    response = citizen.post("/api/v1/applications", {"payload": '{"answers":' + DEEP + "}"})
    assert response.status_code == 400 and _fields(response) == ["payload"], response.content
    # a page posted JSON gets the same answer
    response = citizen.post("/feedback/suggest/", DEEP, content_type="application/json")
    assert response.status_code == 400 and _fields(response) == ["body"]
    # ordinary nesting passes the edge and reaches the operation's own validation
    shallow = json.dumps({"category": "x", "description": "y", "kind": {"a": {"b": {"c": [1, [2, [3]]]}}}})
    response = citizen.post("/api/v1/feedback/suggestions", shallow, content_type="application/json")
    assert response.status_code == 422 and "kind" in _fields(response)


# --------------------------------------------------------------------------- huge integers


@pytest.mark.django_db
def test_huge_integers_are_refused_naming_the_field_before_they_reach_the_database(cast, client_for) -> None:
    from onewindow.core.access import Role

    supervisor = cast.clients["supervisor"]
    worker = client_for(Role.COMMUNITY_WORKER)
    # API query parameters (SQLite raised OverflowError here)
    for client, url, field in ((supervisor, f"/api/v1/feedback/ratings?department={BIG}", "department"),
                               (supervisor, f"/api/v1/feedback/suggestions?department={BIG}", "department"),
                               (worker, f"/api/v1/community/members?community_id={BIG}", "community_id"),
                               (worker, f"/api/v1/community/organisations?community_id={BIG}", "community_id")):
        response = client.get(url)
        assert response.status_code == 422 and _fields(response) == [field], (url, response.content)
    # integers inside any JSON body, whatever the operation declares
    citizen = cast.clients["citizen"]
    response = citizen.post("/api/v1/appointments", f'{{"slot_id": {BIG}, "phone": "13905931234"}}',
                            content_type="application/json")
    assert response.status_code == 400 and _fields(response) == ["slot_id"]
    response = citizen.post("/api/v1/applications", '{"ticket_id": ' + "9" * 5000 + "}",
                            content_type="application/json")
    assert response.status_code == 400 and _fields(response) == ["body"]
    # pages: query filters and form fields
    for url, field in ((f"/feedback/ratings/?department={BIG}", "department"),
                       (f"/feedback/stats/?department={BIG}", "department")):
        response = supervisor.get(url)
        assert response.status_code == 400 and field in response.content.decode(), url
    response = worker.get(f"/community/members/?community={BIG}")
    assert response.status_code == 400 and "community" in response.content.decode()
    response = supervisor.post("/supervision/notices/new/", {"title": "t", "department_id": BIG, "workdays": BIG})
    assert response.status_code == 400 and "department_id" in response.content.decode()
    response = citizen.post("/hall/appointments/book/", {"slot": BIG, "next": "nowhere"})
    assert response.status_code == 302 and response["Location"] == "/hall/appointments/"  # message, no crash
    # a `next` that is not a path on this site is never followed (nor looked up as a view name)
    response = supervisor.post("/supervision/monitors/run/", {"next": "https://elsewhere.invalid/"})
    assert response.status_code == 302 and response["Location"] == "/supervision/"


# --------------------------------------------------------------------------- extreme dates


@pytest.mark.django_db
def test_extreme_dates_are_refused_naming_the_field(cast, open311_code) -> None:
    supervisor = cast.clients["supervisor"]
    for url, field in (("/api/v1/feedback/ratings?start=0001-01-01", "start"),
                       ("/api/v1/feedback/ratings?end=9999-12-31", "end"),
                       ("/api/v1/feedback/ratings/stats?start=0001-01-01&dimension=month", "start"),
                       ("/api/v1/feedback/ratings/provincial.jsonl?end=9999-12-31", "end")):
        response = supervisor.get(url)
        assert response.status_code == 422 and _fields(response) == [field], (url, response.content)
    assert supervisor.get("/api/v1/feedback/ratings?start=2026-01-01&end=2026-12-31").status_code == 200
    for query, field in (("start_date=0001-01-01T00:00:00%2B14:00", "start_date"),
                         ("end_date=9999-12-31T23:59:59-12:00", "end_date"),
                         ("start_date=0001-01-01&end_date=9999-12-31", "start_date")):
        response = Client().get(f"/open311/v2/requests.json?{query}")
        assert response.status_code == 400 and field in _open311_description(response), query
    for url, field in (("/feedback/stats/?start=0001-01-01", "start"), ("/feedback/ratings/?end=9999-12-31", "end"),
                       ("/feedback/ratings/export.xlsx?start=0001-01-01", "start")):
        response = supervisor.get(url)
        assert response.status_code == 400 and field in response.content.decode(), url
    # a date that is no date at all is still just an ignored filter on the pages
    assert supervisor.get("/feedback/stats/?start=2026-02-30").status_code == 200


# --------------------------------------------------------------------------- NaN / Infinity


@pytest.mark.django_db
def test_nan_and_infinity_coordinates_and_numbers_are_refused_naming_the_field(cast, open311_code) -> None:
    from onewindow.feedback.models import Suggestion

    anonymous = Client()
    for lat, long, field in (("NaN", "120.1", "lat"), ("26.9", "Infinity", "long"), ("-inf", "1", "lat"),
                             ("26.9", "1e999", "long"), ("sNaN", "1", "lat")):
        response = anonymous.post("/open311/v2/requests.json", {"service_code": open311_code, "lat": lat,
                                                                "long": long, "description": "路灯坏了"})
        assert response.status_code == 400 and field in _open311_description(response), (lat, long)
    assert not Suggestion.objects.exists()
    response = anonymous.post("/open311/v2/requests.json", {"service_code": open311_code, "lat": "26.66",
                                                            "long": "119.52", "description": "路灯坏了"})
    assert response.status_code == 201, response.content
    # NaN / Infinity / 1e999 inside a JSON body (not JSON, yet Python's parser takes them)
    supervisor = cast.clients["supervisor"]
    for body, field in (('{"target_minutes": NaN}', "target_minutes"), ('{"a": [1, -Infinity]}', "a.1"),
                        ('{"target_minutes": 1e999}', "target_minutes")):
        response = supervisor.post("/api/v1/insights/plan", body, content_type="application/json")
        assert response.status_code == 400 and _fields(response) == [field], (body, response.content)


# --------------------------------------------------------------------------- huge page numbers


@pytest.mark.django_db
def test_huge_page_numbers_are_refused_naming_the_page(cast, open311_code) -> None:
    reviewer = cast.clients["reviewer_a"]
    for client, url in ((Client(), f"/api/v1/items?page={BIG}"), (reviewer, f"/api/v1/worklist?page={BIG}"),
                        (reviewer, "/api/v1/worklist?page=100001")):
        response = client.get(url)
        assert response.status_code == 422 and _fields(response) == ["page"], url
    assert reviewer.get("/api/v1/worklist?page=100000").status_code == 200
    response = Client().get(f"/open311/v2/requests.json?page={BIG}")  # an OFFSET beyond bigint on PostgreSQL
    assert response.status_code == 400 and "page" in _open311_description(response)
    response = Client().get(f"/open311/v2/requests.json?page_size={BIG}")
    assert response.status_code == 400 and "page_size" in _open311_description(response)
    assert Client().get("/open311/v2/requests.json?page=2&page_size=5000").status_code == 200  # capped at 1000
    supervisor = cast.clients["supervisor"]
    for client, url in ((Client(), f"/catalog/?page={BIG}"), (supervisor, f"/feedback/ratings/?page={BIG}"),
                        (supervisor, f"/supervision/notices/?page={BIG}")):
        response = client.get(url)
        assert response.status_code == 400 and "page" in response.content.decode(), url
    # a page number past the last page, or no number at all, is still the friendly last / first page
    assert Client().get("/catalog/?page=99999").status_code == 200
    assert Client().get("/catalog/?page=abc").status_code == 200


# --------------------------------------------------------------------------- the backstop


@pytest.mark.django_db
def test_an_overflow_escaping_a_read_answers_400_and_is_logged_but_a_write_keeps_its_500(
        monkeypatch, caplog, open311_code) -> None:
    from onewindow.catalog import selectors
    from onewindow.feedback.services import suggestions as suggestion_services

    def overflow(*args: Any, **kwargs: Any) -> None:
        raise OverflowError("date value out of range")

    monkeypatch.setattr(selectors, "search_items", overflow)
    with caplog.at_level(logging.WARNING, logger="onewindow.inputs"):
        page = Client().get("/catalog/")
        api = Client().get("/api/v1/items")
    assert page.status_code == 400 and api.status_code == 400
    assert api.json()["errors"] == [{"field": None, "message": api.json()["detail"]}]
    assert sum("backstop: OverflowError" in r.getMessage() for r in caplog.records) == 2
    # a write that overflows is not dressed up as the caller's mistake: it may have half happened
    monkeypatch.setattr(suggestion_services, "suggestion_submit", overflow)
    anonymous = Client(raise_request_exception=False)
    response = anonymous.post("/api/v1/feedback/suggestions", json.dumps(
        {"category": open311_code, "description": "路灯坏了"}), content_type="application/json")
    assert response.status_code == 500
    response = anonymous.post("/open311/v2/requests.json", {"service_code": open311_code, "address_string": "x"})
    assert response.status_code == 500
