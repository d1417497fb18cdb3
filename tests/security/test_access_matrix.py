"""The access matrix: every route declares who may use it, and every role gets exactly that.

Walks Django's URL resolver and the django-ninja routers. Excluded, on purpose:
- `admin/` (Django's own staff/superuser check and login; not an app surface),
- `i18n/` (Django's set_language redirect, carries no data),
- the ninja root, `api/docs` and `api/openapi.json` (the public description of the API, no data).
Routes with path parameters are checked with records that do not exist (access is decided before the
lookup), and the object-level rules with real records at the bottom.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from onewindow.api import api
from onewindow.core.access import PUBLIC, SIGNED_IN, user_roles

pytestmark = pytest.mark.once_on_postgres  # see scripts/test.sh

EXCLUDED_PREFIXES = ("admin/", "i18n/", "api/")  # api/ is walked through the ninja routers instead
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


def django_routes() -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []

    def walk(resolver: URLResolver, prefix: str) -> None:
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                walk(p, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                out.append((prefix + str(p.pattern), p.callback))

    walk(get_resolver(), "")
    return [(route, cb) for route, cb in out if not route.startswith(EXCLUDED_PREFIXES)]


def api_operations() -> list[tuple[str, str, Any]]:
    """(path under /api/, method, view function) for every ninja operation."""
    out = []
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            full = "/api/" + (prefix.strip("/") + "/" if prefix.strip("/") else "") + path.lstrip("/")
            for op in path_view.operations:
                for method in op.methods:
                    out.append((full.replace("//", "/"), method, op.view_func))
    return out


def test_every_route_and_api_operation_declares_access() -> None:
    missing = [route for route, cb in django_routes() if getattr(cb, "access", None) is None]
    missing += [f"{m} {path}" for path, m, fn in api_operations() if getattr(fn, "access", None) is None]
    assert not missing, "routes without @allow(...):\n" + "\n".join(missing)
    assert len(api_operations()) > 40 and len(django_routes()) > 60  # the walk really found the app


def _allowed(access: frozenset[str], user: Any) -> bool:
    if PUBLIC in access:
        return True
    if user is None:
        return False
    return SIGNED_IN in access or bool(user_roles(user) & access)


def _verdict(name: str, method: str, url: str, response: Any, allowed: bool, is_api: bool) -> str | None:
    status = response.status_code
    to_login = status == 302 and response.headers.get("Location", "").startswith("/accounts/login/")
    if allowed:
        if status in (401, 403) or to_login or status >= 500:
            return f"{name:16} {method} {url}: allowed but answered {status}"
        return None
    expected = (401 if is_api else 302) if name == "anonymous" else 403
    if status != expected or (expected == 302 and not to_login):
        return f"{name:16} {method} {url}: denied, expected {expected}, got {status}"
    return None


@pytest.mark.django_db
def test_every_role_gets_what_each_route_declares(cast) -> None:
    failures: list[str] = []
    checked = 0
    pages = [(r, cb) for r, cb in django_routes() if "<" not in r and "(" not in r and "^" not in r]
    operations = [(p, m, fn) for p, m, fn in api_operations() if "{" not in p]
    for name, client in cast.clients.items():
        user = cast.users.get(name)
        for route, cb in pages:
            url = "/" + route
            allowed = _allowed(cb.access, user)
            try:
                response = client.get(url)
            except Exception as exc:  # noqa: BLE001 — a crash is a finding, listed with the rest
                failures.append(f"{name:16} GET {url}: raised {exc!r}")
                continue
            checked += 1
            if problem := _verdict(name, "GET", url, response, allowed, False):
                failures.append(problem)
            if not allowed:  # a denied caller cannot reach the POST handler either
                response = client.post(url)
                checked += 1
                if problem := _verdict(name, "POST", url, response, allowed, False):
                    failures.append(problem)
        for url, method, fn in operations:
            allowed = _allowed(fn.access, user)
            if method in UNSAFE and allowed:
                continue  # writes with real bodies are exercised by each app's tests and the fuzzer
            try:
                response = client.generic(method, url, "{}", content_type="application/json")
            except Exception as exc:  # noqa: BLE001
                failures.append(f"{name:16} {method} {url}: raised {exc!r}")
                continue
            checked += 1
            if problem := _verdict(name, method, url, response, allowed, True):
                failures.append(problem)
    assert checked > 500
    assert not failures, f"{len(failures)} of {checked} checks failed:\n" + "\n".join(failures)


# --------------------------------------------------------------------------- object-level rules


def _case_numbers(app: dict[str, Any], department_name: str) -> list[str]:
    return [c["number"] for c in app["cases"] if c.get("department") == department_name]


@pytest.mark.django_db
def test_reviewer_sees_only_own_department_cases_in_pages_and_api(cast, submitted, catalog) -> None:
    a_cases = _case_numbers(submitted, catalog.dept_a.name)
    b_cases = _case_numbers(submitted, catalog.dept_b.name)
    assert a_cases and b_cases, submitted["cases"]
    for reviewer, own, other in (("reviewer_a", a_cases, b_cases), ("reviewer_b", b_cases, a_cases)):
        client = cast.clients[reviewer]
        for number in own:
            assert client.get(f"/cases/c/{number}/").status_code == 200
            assert client.get(f"/api/v1/cases/{number}").status_code == 200
        for number in other:
            assert client.get(f"/cases/c/{number}/").status_code in (403, 404)
            assert client.get(f"/api/v1/cases/{number}").status_code in (403, 404)
        listed = json.dumps(client.get("/api/v1/worklist").json(), ensure_ascii=False)
        page = client.get("/cases/worklist/").content.decode()
        for number in own:
            assert number in listed and number in page
        for number in other:
            assert number not in listed and number not in page


@pytest.mark.django_db
def test_citizen_sees_only_own_applications(cast, submitted, make_user) -> None:
    from django.test import Client

    number = submitted["number"]
    owner = cast.clients["citizen"]
    assert owner.get(f"/cases/a/{number}/").status_code == 200
    assert owner.get(f"/api/v1/applications/{number}").status_code == 200
    assert number in owner.get("/cases/mine/").content.decode()
    stranger = Client()
    stranger.force_login(make_user("sec_other_citizen", "citizen"))
    assert stranger.get(f"/cases/a/{number}/").status_code in (403, 404)
    assert stranger.get(f"/api/v1/applications/{number}").status_code in (403, 404)
    assert stranger.get(f"/cases/a/{number}/receipt.pdf").status_code in (403, 404)
    assert number not in stranger.get("/cases/mine/").content.decode()
    assert stranger.post(f"/api/v1/applications/{number}/withdraw", "{}",
                         content_type="application/json").status_code in (403, 404)
    anonymous = cast.clients["anonymous"]
    assert anonymous.get(f"/api/v1/applications/{number}").status_code == 401
    assert anonymous.get(f"/cases/a/{number}/").status_code in (302, 403, 404)
    from onewindow.cases.models import SubmittedMaterial

    material = SubmittedMaterial.objects.filter(application__number=number).first()
    if material is not None:
        assert owner.get(f"/cases/m/{material.pk}/").status_code == 200
        assert stranger.get(f"/cases/m/{material.pk}/").status_code in (403, 404)
        assert anonymous.get(f"/cases/m/{material.pk}/").status_code in (302, 403, 404)


@pytest.mark.django_db
def test_anonymous_rating_never_reveals_the_signed_in_rater(cast, make_user) -> None:
    from onewindow.feedback.links import rating_url
    from onewindow.feedback.models import Rating

    ticket = _finished_ticket(make_user)
    rater = cast.clients["citizen"]  # signed in, yet chooses to stay anonymous
    url = rating_url(target_kind="ticket", target_id=ticket.pk, channel="4")
    response = rater.post(url, {"level": "very_dissatisfied", "reasons": ["115"], "identity": "anonymous",
                                "rater_name": "林隐名", "rater_phone": "13905939999"})
    assert response.status_code in (200, 302), response.status_code
    rating = Rating.objects.get()
    assert rating.anonymous and rating.rater_id is None and rating.rater_name == "" and rating.rater_phone == ""
    secrets = ("林隐名", "13905939999", "sec_citizen")
    supervisor = cast.clients["supervisor"]
    outputs = [json.dumps(supervisor.get("/api/v1/feedback/ratings").json(), ensure_ascii=False)]
    for path in ("/feedback/ratings/", "/feedback/stats/", "/feedback/rectifications/"):
        outputs.append(supervisor.get(path).content.decode())
    outputs.append(b"".join(supervisor.get("/api/v1/feedback/ratings/provincial.jsonl").streaming_content).decode())
    outputs.append(_xlsx_text(supervisor.get("/feedback/ratings/export.xlsx").content))
    for text in outputs:
        for secret in secrets:
            assert secret not in text


def _xlsx_text(content: bytes) -> str:
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row
                     if v is not None)


def _finished_ticket(make_user: Any) -> Any:
    import datetime as dt

    from django.utils import timezone

    from onewindow.catalog.models import WindowCategory
    from onewindow.core import clock
    from onewindow.hall.models import Counter, Hall, HallCategory, Ticket, TicketEvent

    hall, _ = Hall.objects.get_or_create(code="huli", defaults={"name": "湖里区行政服务中心"})
    wc, _ = WindowCategory.objects.get_or_create(code="SHMS", defaults={"name": "社会民生", "default_ticket_prefix": "A"})
    hc, _ = HallCategory.objects.get_or_create(hall=hall, category=wc, defaults={"prefix": "A"})
    counter, _ = Counter.objects.get_or_create(hall=hall, number=3, defaults={"name": "3号综合窗口"})
    clerk = make_user("sec_rating_clerk", "clerk", display_name="陈雅琴")
    at = clock.now()
    ticket = Ticket.objects.create(
        hall=hall, category=hc, issued_category=hc, day=timezone.localdate(at), seq=1, number="A001",
        token="secratingtoken0000001", issued_at=at - dt.timedelta(minutes=20),
        effective_time=at - dt.timedelta(minutes=20), status="finished", counter=counter, clerk=clerk,
        items_handled="食品经营许可")
    TicketEvent.objects.create(ticket=ticket, action="finished", at=at, counter=counter, actor=clerk)
    return ticket


# --------------------------------------------------------------------------- routes with path parameters

_DUMMY = {"int": "987654", "uuid": "00000000-0000-0000-0000-000000000000"}


def _fill_django(route: str) -> str | None:
    import re

    if route.startswith("^") or "(" in route:
        return None  # regular-expression routes: none of the app's own
    return re.sub(r"<(?:(\w+):)?\w+>", lambda m: _DUMMY.get(m.group(1) or "str", "zz-none-0"), route)


def _fill_ninja(path: str) -> str:
    import re

    return re.sub(r"\{(?:(\w+):)?\w+\}", lambda m: _DUMMY.get(m.group(1) or "str", "zz-none-0"), path)


@pytest.mark.django_db
def test_every_role_gets_what_each_route_with_parameters_declares(cast) -> None:
    """Routes that take a record are checked with a record that does not exist: a caller the route
    denies must be refused before the lookup (401/403/login), a caller it allows must get an ordinary
    answer (usually 404), never a refusal or a server error."""
    failures: list[str] = []
    checked = 0
    pages = [(_fill_django(r), cb) for r, cb in django_routes() if "<" in r]
    operations = [(_fill_ninja(p), m, fn) for p, m, fn in api_operations() if "{" in p]
    for name, client in cast.clients.items():
        user = cast.users.get(name)
        for url, cb in pages:
            if url is None:
                continue
            allowed = _allowed(cb.access, user)
            response = client.get("/" + url)
            checked += 1
            if problem := _verdict(name, "GET", "/" + url, response, allowed, False):
                failures.append(problem)
        for url, method, fn in operations:
            allowed = _allowed(fn.access, user)
            response = client.generic(method, url, "{}", content_type="application/json")
            checked += 1
            if problem := _verdict(name, method, url, response, allowed, True):
                failures.append(problem)
    assert checked > 300
    assert not failures, f"{len(failures)} of {checked} checks failed:\n" + "\n".join(failures)
