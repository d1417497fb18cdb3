"""The fuzzer: hostile generated requests, in process, as one identity at a time.

Shared by tests/security/test_fuzz_api.py (a few examples, every role) and bench/fuzz.py (many). Four parts:

- **api** — schemathesis over /api/openapi.json (positive and negative examples) through the WSGI application.
  An operation the identity may not call (its `@allow`) gets one plain request, which must answer 401/403;
  the others get `max_examples` (PUBLIC ones optionally fewer: `public_examples`).
- **open311** — a hand-written hypothesis generator for /open311/v2/ (services, service definitions, request
  lists with dates/pages/ids, request detail, and form posts with coordinates, attributes and contact data).
- **forms** — every Django view that accepts POST (found by walking the URL configuration): its fields come
  from the forms on the pages the identity can open (and the pages they link to) plus the names the view
  reads from `request.POST`; hypothesis fills them with hostile values and posts them with a valid CSRF token.
  A route no page led to is posted with hostile ids in its path. A route `@allow` refuses gets one post.
- **pages** — every page the identity opened, again with hostile values in the query names its GET forms and
  its view read (page numbers, dates, ids, filters).

Rate limits stay on (each identity has an address of its own): 429 is an allowed answer. A failure is a 5xx,
a documented status whose body breaks its schema, a JSON 4xx without the error shape, an Open311 answer outside
its format, a refused CSRF token, a refused identity let through, or an answer that came from the overflow
backstop of onewindow.core.inputs (logged on `onewindow.inputs`): a hole the edge missed.
"""

from __future__ import annotations

import contextlib
import inspect
import json
import logging
import re
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit
from xml.etree import ElementTree as ET

PUBLIC = "public"  # onewindow.core.access.PUBLIC (imported lazily elsewhere: Django may not be set up yet)
ERROR_KEYS = {"detail", "errors"}
CSRF_TOKEN = "fuzzFUZZfuzzFUZZfuzzFUZZfuzzFUZZ"  # 32 characters: Django accepts the unmasked secret
SKIPPED_PREFIXES = ("admin/", "i18n/", "api/", "open311/", "static/", "media/")
SKIPPED_POSTS = ("accounts/logout/",)  # would end the identity's own session mid-run

# Values a careless parser chokes on: giant and negative integers, extreme and impossible dates, non-finite
# numbers, markup, SQL, long and odd text. Mixed with hypothesis' own text and the form's own options.
HOSTILE = [
    "", " ", "0", "-1", "1", "2", "2147483648", str(2**53 + 1), str(2**63), str(10**40), "9" * 400,
    "-9223372036854775809", "1.5", "1e309", "-1e309", "nan", "NaN", "inf", "-Infinity",
    "0001-01-01", "9999-12-31", "0000-00-00", "2026-02-30", "10000-01-01", "1900-01-01", "2999-12-31",
    "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "2026-13", "0001-01", "9999-12", "12:99",
    "true", "on", "[]", "{}", "[" * 64, '{"a":' * 40 + "1" + "}" * 40, "<script>x</script>", "' OR 1=1 --",
    "%", "../../etc/passwd", "\u202e\u2066", "\U0001d54f" * 3, "测" * 300, "x" * 3000, "13800138000",
    "350981199001011234", "a@b", "http://", "%00",
]
# The values that broke something before (OverflowError, out-of-range dates, NaN): drawn far more often.
KILLERS = [str(10**40), str(2**63), "-" + str(2**63 + 1), "9" * 400, "0001-01-01", "9999-12-31",
           "9999-12-31T23:59:59-12:00", "0001-01", "9999-12", "nan", "inf", "1e309", "-1", "0"]


@dataclass
class Identity:
    name: str
    user: Any  # a django User, or None for an anonymous caller
    address: str  # REMOTE_ADDR: rate limits count per identity


@dataclass
class FuzzReport:
    requests: int = 0
    operations: int = 0
    forms: int = 0
    pages: int = 0
    by_status: Counter = field(default_factory=Counter)
    by_part: Counter = field(default_factory=Counter)
    by_identity: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    server_errors: int = 0
    seconds: float = 0.0
    _seen: set[str] = field(default_factory=set)

    def fail(self, key: str, text: str) -> None:
        if key not in self._seen:
            self._seen.add(key)
            self.failures.append(text)

    def merge(self, other: FuzzReport) -> None:
        self.requests += other.requests
        self.operations = max(self.operations, other.operations)
        self.forms = max(self.forms, other.forms)
        self.by_status.update(other.by_status)
        self.by_part.update(other.by_part)
        self.by_identity.update(other.by_identity)
        self.server_errors += other.server_errors
        self.seconds += other.seconds
        for failure in other.failures:
            self.fail(failure, failure)

    def summary(self) -> str:
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(self.by_status.items()))
        parts = ", ".join(f"{k} {v}" for k, v in sorted(self.by_part.items()))
        return (f"{self.requests} requests ({parts}) over {self.operations} API operations, the Open311 routes, "
                f"{self.forms} form targets and {self.pages} pages in {self.seconds:.1f} s; statuses {{{statuses}}}; "
                f"{self.server_errors} server errors; {len(self.failures)} distinct failures")


# --------------------------------------------------------------------------- server-side observers


class _Observer(logging.Handler):
    """Collects the last unhandled exception (Django's got_request_exception) and backstop log records."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.exception: str | None = None
        self.backstop: str | None = None
        self.csrf: str | None = None

    def reset(self) -> None:
        self.exception = self.backstop = self.csrf = None

    def on_exception(self, sender: Any, request: Any = None, **kwargs: Any) -> None:
        import sys

        exc = sys.exc_info()[1]
        if exc is None:
            return
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if "/onewindow/" in f.filename]
        where = f" at {frames[-1].filename.split('/onewindow/')[-1]}:{frames[-1].lineno}" if frames else ""
        self.exception = f"{type(exc).__name__}: {' '.join(str(exc).split())[:160]}{where}"

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith("django.security.csrf"):
            self.csrf = record.getMessage()[:200]
        else:
            self.backstop = record.getMessage()[:200]


@contextlib.contextmanager
def _observing() -> Iterator[_Observer]:
    """Watch the server side; keep the test's database connection open across in-process WSGI calls."""
    from django.core import signals
    from django.db import close_old_connections

    observer = _Observer()
    signals.got_request_exception.connect(observer.on_exception)
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    inputs_logger = logging.getLogger("onewindow.inputs")
    inputs_logger.addHandler(observer)
    csrf_logger = logging.getLogger("django.security.csrf")  # a refused token is logged here
    csrf_logger.addHandler(observer)
    # Django logs every 4xx/5xx on django.request: thousands of lines of noise during a fuzz run
    request_logger = logging.getLogger("django.request")
    previous_level = request_logger.level
    request_logger.setLevel(logging.CRITICAL)
    try:
        yield observer
    finally:
        request_logger.setLevel(previous_level)
        csrf_logger.removeHandler(observer)
        inputs_logger.removeHandler(observer)
        signals.request_finished.connect(close_old_connections)
        signals.request_started.connect(close_old_connections)
        signals.got_request_exception.disconnect(observer.on_exception)


@contextlib.contextmanager
def _isolated() -> Iterator[None]:
    """Inside a test's transaction, one savepoint per request: a database error in one request (answered 500
    and reported) must not poison the transaction for the requests after it."""
    from django.db import DatabaseError, connection, transaction

    if not connection.in_atomic_block:
        yield
        return
    with contextlib.suppress(DatabaseError), transaction.atomic():
        yield


def _check_answer(report: FuzzReport, observer: _Observer, *, part: str, who: str, label: str, status: int,
                  request: str) -> None:
    report.requests += 1
    report.by_status[status] += 1
    report.by_part[part] += 1
    report.by_identity[who] += 1
    if status >= 500:
        report.server_errors += 1
        cause = observer.exception or "no exception recorded"
        report.fail(f"{part} {label} {status} {cause[:80]}", f"[{who}] {label} → {status}: {cause} | {request}")
    elif observer.backstop:
        report.fail(f"{part} {label} backstop", f"[{who}] {label} → {status} via the overflow backstop: "
                                                f"{observer.backstop} | {request}")


# --------------------------------------------------------------------------- access


def _allowed(access: frozenset[str] | None, user: Any) -> bool:
    from onewindow.core.access import SIGNED_IN, user_roles

    if access is None or PUBLIC in access:
        return True
    if user is None:
        return False
    return SIGNED_IN in access or bool(user_roles(user) & access)


def api_access() -> dict[tuple[str, str], frozenset[str] | None]:
    """(METHOD, OpenAPI path) → the operation's @allow declaration."""
    from onewindow.api import api

    out: dict[tuple[str, str], frozenset[str] | None] = {}
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            full = "/api/" + (prefix.strip("/") + "/" if prefix.strip("/") else "") + path.lstrip("/")
            full = re.sub(r"\{(?:\w+:)?(\w+)\}", r"{\1}", full.replace("//", "/"))
            for op in path_view.operations:
                for method in op.methods:
                    out[(method.upper(), full)] = getattr(op.view_func, "access", None)
    return out


# --------------------------------------------------------------------------- part 1: the JSON API


def _error_shape_problem(status: int, content_type: str, content: bytes) -> str | None:
    if status < 400 or status >= 500 or "json" not in content_type:
        return None
    try:
        body = json.loads(content)
    except ValueError:
        return f"{status} with a body that is not JSON"
    if not isinstance(body, dict) or not set(body) >= ERROR_KEYS or not isinstance(body["errors"], list):
        return f"{status} without the error shape: {str(body)[:200]}"
    return None


def _hypothesis_settings(max_examples: int) -> Any:
    import hypothesis
    from hypothesis import HealthCheck, Phase

    return hypothesis.settings(max_examples=max_examples, deadline=None, database=None, derandomize=True,
                               suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate],
                               verbosity=hypothesis.Verbosity.quiet, report_multiple_bugs=False)


def _run_given(strategy: Any, max_examples: int, body: Callable[[Any], None]) -> str | None:
    """Run `body` over `max_examples` draws; a generation problem is returned as text (never raised)."""
    import hypothesis

    @_hypothesis_settings(max_examples)
    @hypothesis.given(strategy)
    def run(example: Any) -> None:
        body(example)

    try:
        run()
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # noqa: BLE001 — a failure group or a generation problem: note it, go on
        return " ".join(str(exc).split())[:300]
    return None


def _load_schema(application: Any) -> Any:
    import schemathesis

    with _observing():
        return schemathesis.openapi.from_wsgi("/api/openapi.json", application)


def fuzz_api(application: Any, identity: Identity, *, max_examples: int, schema: Any = None,
             public_examples: int | None = None, exclude: tuple[str, ...] = ()) -> FuzzReport:
    """`public_examples`: examples for PUBLIC operations (default `max_examples`; a signed-in role can take
    fewer there, the anonymous identity covers them in depth)."""
    from schemathesis import GenerationMode
    from schemathesis.checks import not_a_server_error, response_schema_conformance

    schema = schema if schema is not None else _load_schema(application)
    access = api_access()
    cookies = _session_cookies(identity.user)
    headers = {"X-CSRFToken": CSRF_TOKEN} if identity.user is not None else {}
    report = FuzzReport()
    with _observing() as observer:
        for result in schema.get_all_operations():
            operation = result.ok()
            label = f"{operation.method.upper()} {operation.path}"
            if any(part in operation.path for part in exclude):
                continue
            report.operations += 1
            declared = access.get((operation.method.upper(), operation.path))
            allowed = _allowed(declared, identity.user)
            if not allowed:  # one plain request: it must be refused (401/403), whatever it carries
                _denied(report, observer, operation, identity, label, headers, cookies)
                continue
            strategies = [operation.as_strategy(GenerationMode.POSITIVE)]
            with contextlib.suppress(Exception):  # some operations have nothing to negate
                strategies.append(operation.as_strategy(GenerationMode.NEGATIVE))
            import hypothesis.strategies as st

            def exercise(case: Any, label: str = label) -> None:
                observer.reset()
                with _isolated():
                    response = case.call(headers=headers, cookies=cookies,
                                         environ_base={"REMOTE_ADDR": identity.address})
                request = f"query={case.query} path={case.path_parameters} body={str(case.body)[:200]}"
                _check_answer(report, observer, part="api", who=identity.name, label=label,
                              status=response.status_code, request=request)
                problems: list[str] = []
                if response.status_code < 500:
                    try:
                        case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
                    except Exception as exc:  # noqa: BLE001 — schemathesis raises a group of failures
                        problems.append(" ".join(str(exc).split())[:400])
                content_type = (response.headers.get("content-type") or [""])[0]
                if shape := _error_shape_problem(response.status_code, content_type, response.content):
                    problems.append(shape)
                for problem in problems:
                    report.fail(f"api {label} {response.status_code} {problem[:100]}",
                                f"[{identity.name}] {label} → {response.status_code}: {problem} | {request}")

            public = declared is None or PUBLIC in declared
            examples = public_examples if public and public_examples is not None else max_examples
            problem = _run_given(st.one_of(strategies), examples, exercise)
            if problem:
                report.fail(f"api {label} generation", f"[{identity.name}] {label}: generation failed: {problem}")
    return report


def _denied(report: FuzzReport, observer: _Observer, operation: Any, identity: Identity, label: str,
            headers: dict[str, str], cookies: dict[str, str]) -> None:
    media_types = [b.media_type for b in operation.body]
    kwargs: dict[str, Any] = {"path_parameters": {p.name: "1" for p in operation.path_parameters}}
    if "application/json" in media_types:
        kwargs.update(body={}, media_type="application/json")
    case = operation.Case(**kwargs)
    observer.reset()
    with _isolated():
        response = case.call(headers=headers, cookies=cookies, environ_base={"REMOTE_ADDR": identity.address})
    _check_answer(report, observer, part="api", who=identity.name, label=label, status=response.status_code,
                  request=f"path={case.path_parameters} (not allowed to this identity)")
    expected = 401 if identity.user is None else 403
    if response.status_code not in (expected, 429):
        report.fail(f"api {label} access", f"[{identity.name}] {label}: @allow refuses this identity, "
                                            f"but it answered {response.status_code} (expected {expected})")


def _session_cookies(user: Any) -> dict[str, str]:
    if user is None:
        return {}
    from django.test import Client

    client = Client()
    client.force_login(user)
    return {"sessionid": client.cookies["sessionid"].value, "csrftoken": CSRF_TOKEN}


# --------------------------------------------------------------------------- part 2: Open311


def _hostile_text() -> Any:
    import hypothesis.strategies as st

    return st.one_of(st.sampled_from(KILLERS), st.sampled_from(HOSTILE),
                     st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=30))


def open311_strategy(service_codes: list[str], request_ids: list[str]) -> Any:
    """(method, path, query or form data) for every Open311 route, from real and hostile values."""
    import hypothesis.strategies as st

    fmt = st.sampled_from(["json", "xml"])
    text = _hostile_text()
    code = st.one_of(st.sampled_from(service_codes or ["none"]), st.from_regex(r"[\w.-]{1,40}", fullmatch=True))
    request_id = st.one_of(st.sampled_from(request_ids or ["none"]),
                           st.from_regex(r"[\w-]{1,40}", fullmatch=True))
    number = st.one_of(st.sampled_from(KILLERS), st.sampled_from(HOSTILE), st.integers().map(str),
                       st.floats(allow_nan=True, allow_infinity=True).map(str))
    list_query = st.fixed_dictionaries({}, optional={
        "service_request_id": st.one_of(request_id, st.lists(request_id, max_size=5).map(",".join), text),
        "service_code": st.one_of(code, text), "start_date": text, "end_date": text,
        "status": st.one_of(st.sampled_from(["open", "closed"]), text), "page": number, "page_size": number})
    post = st.fixed_dictionaries({"service_code": st.one_of(code, text)}, optional={
        "lat": number, "long": number, "address_string": text, "address_id": text, "description": text,
        "email": text, "phone": text, "first_name": text, "last_name": text, "device_id": text,
        "account_id": text, "media_url": text, "attribute[kind]": st.one_of(
            st.sampled_from(["suggestion", "complaint", "consultation", "help", "praise"]), text),
        "attribute[service_item]": text, "jurisdiction_id": text, "api_key": text})
    return st.one_of(
        st.tuples(st.just("GET"), fmt.map(lambda f: f"services.{f}"), st.just({})),
        st.tuples(st.just("GET"), st.tuples(code, fmt).map(lambda t: f"services/{t[0]}.{t[1]}"), st.just({})),
        st.tuples(st.just("GET"), fmt.map(lambda f: f"requests.{f}"), list_query),
        st.tuples(st.just("GET"), st.tuples(request_id, fmt).map(lambda t: f"requests/{t[0]}.{t[1]}"),
                  st.just({})),
        st.tuples(st.just("POST"), fmt.map(lambda f: f"requests.{f}"), post),
        st.tuples(st.sampled_from(["PUT", "DELETE"]), fmt.map(lambda f: f"requests.{f}"), st.just({})),
    )


def _open311_shape_problem(path: str, status: int, content: bytes) -> str | None:
    if status >= 500:
        return None
    if path.endswith(".xml"):
        try:
            ET.fromstring(content)
        except ET.ParseError as exc:
            return f"{status} with XML that does not parse: {exc}"
        return None
    try:
        body = json.loads(content)
    except ValueError:
        return f"{status} with a body that is not JSON"
    if status < 400 and path.startswith("services/"):  # a service definition is one object
        return None if isinstance(body, dict) and "attributes" in body else f"{status} answered {str(body)[:100]}"
    if not isinstance(body, list):
        return f"{status} answered {type(body).__name__}, Open311 answers a list"
    if status >= 400 and not all(isinstance(e, dict) and {"code", "description"} <= set(e) for e in body):
        return f"{status} without Open311's error shape: {str(body)[:200]}"
    return None


def fuzz_open311(identity: Identity, *, max_examples: int) -> FuzzReport:
    import hypothesis.strategies as st  # noqa: F401 — imported for the strategies below

    from onewindow.feedback.models import Suggestion, SuggestionCategory

    codes = list(SuggestionCategory.objects.values_list("code", flat=True)[:20])
    ids = list(Suggestion.objects.values_list("number", flat=True)[:20])
    client = _client(identity)
    report = FuzzReport()
    with _observing() as observer:

        def exercise(example: tuple[str, str, dict[str, str]]) -> None:
            method, path, data = example
            url = "/open311/v2/" + path
            observer.reset()
            with _isolated():
                if method == "GET":
                    response = client.get(url, data)
                elif method == "POST":
                    response = client.post(url, urlencode(data), content_type="application/x-www-form-urlencoded")
                else:
                    response = client.generic(method, url)
            request = f"{method} {url} {str(data)[:300]}"
            label = f"{method} /open311/v2/" + re.sub(r"/[^/]+\.", "/{id}.", path)
            _check_answer(report, observer, part="open311", who=identity.name, label=label,
                          status=response.status_code, request=request)
            if problem := _open311_shape_problem(path, response.status_code, response.content):
                report.fail(f"open311 {label} {problem[:80]}", f"[{identity.name}] {label}: {problem} | {request}")

        problem = _run_given(open311_strategy(codes, ids), max_examples, exercise)
        if problem:
            report.fail("open311 generation", f"[{identity.name}] open311: generation failed: {problem}")
    return report


# --------------------------------------------------------------------------- part 3: HTML form posts


@dataclass
class FormTarget:
    url: str  # path (+ query) the form posts to
    fields: dict[str, list[str]]  # field name → known values (options, defaults); [] = free text
    files: list[str] = field(default_factory=list)
    source: str = ""  # the page it was found on, or "urlconf"


class _PageParser(HTMLParser):
    """Forms (method=post, or hx-post), their fields and options, and the page's local links."""

    def __init__(self, page_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[FormTarget] = []
        self.query_names: set[str] = set()  # fields of the page's GET forms (filters, search, dates)
        self.links: list[str] = []
        self._get_form = False
        self._form: FormTarget | None = None
        self._select: str | None = None

    def _url(self, raw: str | None) -> str:
        return urljoin(self.page_url, raw or self.page_url)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href", "").startswith("/"):
            self.links.append(a["href"].split("#")[0])
        if tag == "form":
            self._open_form(a)
            return
        if "hx-post" in a and self._form is None:
            self._hx_target(a)
        name = a.get("name")
        if self._form is None:
            if self._get_form and name and tag in ("input", "select", "textarea"):
                self.query_names.add(name)
            return
        self._field(self._form, tag, name, a)

    def _open_form(self, a: dict[str, str]) -> None:
        post = a.get("method", "get").lower() == "post" or "hx-post" in a
        self._get_form = not post
        action = a.get("hx-post") or a.get("action")
        self._form = FormTarget(self._url(action), {}, source=self.page_url) if post else None
        if self._form is not None:
            self.forms.append(self._form)

    def _hx_target(self, a: dict[str, str]) -> None:
        vals: dict[str, list[str]] = {}
        with contextlib.suppress(ValueError, AttributeError):
            vals = {str(k): [str(v)] for k, v in json.loads(a.get("hx-vals") or "{}").items()}
        self.forms.append(FormTarget(self._url(a["hx-post"]), vals, source=self.page_url))

    def _field(self, form: FormTarget, tag: str, name: str | None, a: dict[str, str]) -> None:
        if tag == "option" and self._select:
            form.fields[self._select].append(a.get("value", ""))
            return
        if not name:
            return
        if tag == "select":
            self._select = name
            form.fields.setdefault(name, [])
        elif tag == "input" and a.get("type", "text").lower() == "file":
            form.files.append(name)
        elif (tag == "input" and name != "csrfmiddlewaretoken") or tag in ("textarea", "button"):
            values = form.fields.setdefault(name, [])
            if a.get("value"):
                values.append(a["value"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
            self._get_form = False
        elif tag == "select":
            self._select = None


def url_routes() -> list[tuple[str, Any, Any]]:
    """(route text, compiled pattern, view) for every Django route outside the skipped prefixes."""
    from django.urls import URLPattern, URLResolver, get_resolver

    out: list[tuple[str, Any, Any]] = []

    def walk(resolver: URLResolver, prefix: str) -> None:
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                walk(p, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                out.append((prefix + str(p.pattern), p.pattern, p.callback))

    walk(get_resolver(), "")
    return [r for r in out if not r[0].startswith(SKIPPED_PREFIXES)]


def _innermost(view: Any) -> Any:
    while hasattr(view, "__wrapped__"):
        view = view.__wrapped__
    return view


def accepts_post(view: Any) -> bool:
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return hasattr(view_class, "post")
    try:
        source = inspect.getsource(_innermost(view))
    except (OSError, TypeError):
        return False
    return "POST" in source


def _source(view: Any) -> str:
    try:
        return inspect.getsource(_innermost(view))
    except (OSError, TypeError):
        return ""


def posted_names(view: Any) -> list[str]:
    """The field names a view reads from request.POST (request.POST.get("x"), .getlist("x"), ["x"])."""
    return sorted(set(re.findall(r"""request\.POST(?:\.get(?:list)?\(|\[)\s*["']([^"']+)["']""", _source(view))))


def query_names(view: Any) -> list[str]:
    """The names a view reads from its query string (request.GET.get("x"), g.get("x"), q.get("x"), ["x"])."""
    source = _source(view)
    if "GET" not in source:
        return []
    return sorted(set(re.findall(r"""(?:request\.GET|\bg|\bq)(?:\.get(?:list)?\(|\[)\s*["'](\w+)["']""", source)))


def _fill_route(route: str, draw_value: Callable[[str], str]) -> str | None:
    if route.startswith("^") or "(?P" in route:
        return None
    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: draw_value(m.group(1) or "str"), route)


@dataclass
class Surface:
    posts: list[FormTarget]  # where forms post to
    pages: list[FormTarget]  # pages the identity opened, with the query names they read


def collect_surface(identity: Identity, *, pages_per_route: int = 1, follow_links: bool = True,
                    max_pages: int = 200) -> Surface:
    """What the identity can reach in the HTML: the pages it may open (and pages they link to), the forms on
    them, plus every POST-accepting route no page led to (its request.POST names, a path id filled in)."""
    with _observing():
        return _collect_surface(identity, pages_per_route=pages_per_route, follow_links=follow_links,
                                max_pages=max_pages)


def _collect_surface(identity: Identity, *, pages_per_route: int, follow_links: bool, max_pages: int) -> Surface:
    routes = url_routes()
    targets: dict[str, FormTarget] = {}
    pages = _crawl(identity, routes, targets, pages_per_route=pages_per_route, follow_links=follow_links,
                   max_pages=max_pages)
    _add_unreached_posts(routes, targets)
    posts = [t for t in targets.values() if not urlsplit(t.url).path.lstrip("/").startswith(SKIPPED_POSTS)]
    return Surface(posts, pages)


def _crawl(identity: Identity, routes: list[Any], targets: dict[str, FormTarget], *, pages_per_route: int,
           follow_links: bool, max_pages: int) -> list[FormTarget]:
    """Open the pages the identity may open (breadth first), collect their forms into `targets`."""
    from django.urls import Resolver404, resolve

    client = _client(identity)
    pages: list[FormTarget] = []
    opened: Counter = Counter()
    queue = ["/" + r for r, _p, cb in routes if "<" not in r and not r.startswith("^") and "(?P" not in r
             and _allowed(getattr(cb, "access", None), identity.user)]
    seen: set[str] = set()
    while queue and len(pages) < max_pages:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        try:
            match = resolve(urlsplit(url).path)
        except Resolver404:
            continue
        if match.route.startswith(SKIPPED_PREFIXES) or opened[match.route] >= pages_per_route \
                or not _allowed(getattr(match.func, "access", None), identity.user):
            continue
        opened[match.route] += 1
        with _isolated():
            response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        parser = _PageParser(url)
        with contextlib.suppress(Exception):
            parser.feed(response.content.decode("utf-8", "replace"))
        names = sorted(parser.query_names | set(query_names(match.func)))
        pages.append(FormTarget(urlsplit(url).path, {n: [] for n in names}, source=url))
        _merge_forms(targets, parser.forms)
        if follow_links:
            queue.extend(link for link in parser.links if link not in seen)
    return pages


def _merge_forms(targets: dict[str, FormTarget], forms: list[FormTarget]) -> None:
    for form in forms:
        parts = urlsplit(form.url)
        if parts.netloc or parts.path.startswith(("/api/", "/admin/", "/i18n/")):
            continue
        path = parts.path + ("?" + parts.query if parts.query else "")
        known = targets.setdefault(path, FormTarget(path, {}, [], form.source))
        for name, values in form.fields.items():
            known.fields.setdefault(name, []).extend(v for v in values if v not in known.fields[name])
        known.files.extend(f for f in form.files if f not in known.files)


def _add_unreached_posts(routes: list[Any], targets: dict[str, FormTarget]) -> None:
    """Every POST-accepting route no page led to (a path id filled in), and the request.POST names of all."""
    from django.urls import Resolver404, resolve

    reached_routes: set[str] = set()
    for target in targets.values():
        with contextlib.suppress(Resolver404):
            reached_routes.add(resolve(urlsplit(target.url).path).route)
    values = {"int": "1", "str": "X-1", "slug": "x-1", "path": "x", "uuid": "00000000-0000-0000-0000-000000000000"}
    for route, _pattern, view in routes:
        if route in reached_routes or route in SKIPPED_POSTS or not accepts_post(view):
            continue
        url = _fill_route(route, lambda conv: values.get(conv, "x"))
        if url is not None:
            targets.setdefault(url, FormTarget(url, {}, [], "urlconf"))
    for target in targets.values():
        with contextlib.suppress(Resolver404):
            for name in posted_names(resolve(urlsplit(target.url).path).func):
                target.fields.setdefault(name, [])


def _fields_strategy(target: FormTarget) -> Any:
    import hypothesis.strategies as st

    text = _hostile_text()

    def values(known: list[str]) -> Any:
        one = st.one_of(st.sampled_from(known), text) if known else text
        return st.one_of(one.map(lambda v: [v]), st.lists(one, min_size=0, max_size=3))

    return st.fixed_dictionaries({}, optional={name: values(known) for name, known in target.fields.items()})


def _form_strategy(target: FormTarget) -> Any:
    import hypothesis.strategies as st
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = st.tuples(st.sampled_from(["a.pdf", "a.jpg", "a.exe", "../../x.pdf", "测.png", "x" * 300]),
                       st.sampled_from([b"%PDF-1.4\n%%EOF\n", b"\xff\xd8\xff\xe0" + b"\x00" * 16, b"", b"MZ\x90"]))
    files = st.fixed_dictionaries({}, optional={
        name: upload.map(lambda t: SimpleUploadedFile(t[0], t[1])) for name in target.files})
    path_int = st.sampled_from(["0", "1", str(2**63), str(10**40)])
    return st.tuples(_fields_strategy(target), files, st.booleans(), path_int)


def fuzz_forms(identity: Identity, *, max_examples: int, targets: list[FormTarget]) -> FuzzReport:
    """Post hypothesis-filled forms (a valid CSRF token each time) to every target."""
    from django.urls import Resolver404, resolve

    report = FuzzReport(forms=len(targets))
    client = _client(identity)
    with _observing() as observer:
        for target in targets:
            try:
                allowed = _allowed(getattr(resolve(urlsplit(target.url).path).func, "access", None), identity.user)
            except Resolver404:
                allowed = True
            if identity.user is not None:
                client.force_login(identity.user)  # a form may have ended the session (password change, …)
            client.cookies["csrftoken"] = CSRF_TOKEN
            label = "POST " + re.sub(r"/\d+/", "/{n}/", urlsplit(target.url).path)

            def exercise(example: tuple[dict[str, list[str]], dict[str, Any], bool, str],
                         target: FormTarget = target, label: str = label) -> None:
                fields, files, urlencoded, path_int = example
                url = target.url
                if target.source == "urlconf":  # a route no page led to: try hostile ids in its path
                    url = re.sub(r"/1/", f"/{path_int}/", url)
                data: dict[str, Any] = {k: v for k, v in fields.items() if v}
                data["csrfmiddlewaretoken"] = CSRF_TOKEN
                observer.reset()
                with _isolated():
                    if urlencoded and not files:
                        response = client.post(url, urlencode(data, doseq=True),
                                               content_type="application/x-www-form-urlencoded",
                                               HTTP_X_CSRFTOKEN=CSRF_TOKEN)
                    else:
                        for f in files.values():
                            f.seek(0)
                        response = client.post(url, {**data, **files}, HTTP_X_CSRFTOKEN=CSRF_TOKEN)
                request = f"POST {url} {str({k: [str(x)[:40] for x in v] for k, v in fields.items()})[:400]}"
                _check_answer(report, observer, part="forms", who=identity.name, label=label,
                              status=response.status_code, request=request)
                if observer.csrf:
                    report.fail(f"forms {label} csrf", f"[{identity.name}] {label}: refused the CSRF token: "
                                                       f"{observer.csrf}")

            # a route @allow refuses this identity: one post proves it is refused before anything is read
            problem = _run_given(_form_strategy(target), max_examples if allowed else 1, exercise)
            if problem:
                report.fail(f"forms {label} generation", f"[{identity.name}] {label}: generation failed: {problem}")
    return report


def fuzz_pages(identity: Identity, *, max_examples: int, pages: list[FormTarget],
               public_examples: int | None = None) -> FuzzReport:
    """Open every page the identity reached with hostile query values (pages, dates, ids, filters)."""
    from django.urls import Resolver404, resolve

    report = FuzzReport()
    client = _client(identity)
    with _observing() as observer:
        for page in pages:
            label = "GET " + re.sub(r"/\d+/", "/{n}/", page.url)

            def exercise(query: dict[str, list[str]], page: FormTarget = page, label: str = label) -> None:
                observer.reset()
                with _isolated():
                    response = client.get(page.url, {k: v for k, v in query.items() if v})
                _check_answer(report, observer, part="pages", who=identity.name, label=label,
                              status=response.status_code, request=f"GET {page.url} {str(query)[:400]}")

            try:
                declared = getattr(resolve(page.url).func, "access", None)
            except Resolver404:
                declared = None
            public = declared is None or PUBLIC in declared
            examples = public_examples if public and public_examples is not None else max_examples
            if not page.fields or not examples:
                continue
            problem = _run_given(_fields_strategy(page), examples, exercise)
            if problem:
                report.fail(f"pages {label} generation", f"[{identity.name}] {label}: generation failed: {problem}")
    return report


def _client(identity: Identity) -> Any:
    from django.test import Client

    client = Client(enforce_csrf_checks=True, raise_request_exception=False, REMOTE_ADDR=identity.address)
    if identity.user is not None:
        client.force_login(identity.user)
    client.cookies["csrftoken"] = CSRF_TOKEN
    return client


# --------------------------------------------------------------------------- everything, for one identity


def run_fuzz(application: Any, identity: Identity, *, max_examples: int, schema: Any = None,
             open311_examples: int | None = None, form_examples: int | None = None,
             page_examples: int | None = None, public_examples: int | None = None,
             exclude: tuple[str, ...] = (), **collect: Any) -> FuzzReport:
    """Every part for one identity; returns one report."""
    started = time.monotonic()
    report = fuzz_api(application, identity, max_examples=max_examples, schema=schema,
                      public_examples=public_examples, exclude=exclude)
    report.merge(fuzz_open311(identity, max_examples=open311_examples or max_examples * 5))
    surface = collect_surface(identity, **collect)
    report.merge(fuzz_forms(identity, max_examples=form_examples or max_examples, targets=surface.posts))
    report.merge(fuzz_pages(identity, max_examples=page_examples or max_examples, pages=surface.pages,
                            public_examples=public_examples))
    report.pages = len(surface.pages)
    report.seconds = time.monotonic() - started
    return report


def identities(users: dict[str, Any]) -> list[Identity]:
    """One identity per entry (user None = anonymous), each with a loopback address of its own (only the
    REMOTE_ADDR the in-process requests claim; nothing is sent over a network), so rate limits count per
    identity."""
    return [Identity(name, user, f"127.0.{n // 250}.{n % 250 + 1}") for n, (name, user) in enumerate(users.items())]


def fuzz_world() -> None:
    """What the fuzzer needs besides the caller's world: an Open311 service to post requests to."""
    from onewindow.feedback.models import SuggestionCategory

    SuggestionCategory.objects.get_or_create(code="fuzz-roads", defaults={"name": "道路设施", "group": "城市管理"})
