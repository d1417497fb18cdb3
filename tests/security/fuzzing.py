"""Schemathesis over /api/openapi.json, in process through the WSGI application.

Shared by tests/security/test_fuzz_api.py (a few examples per operation) and bench/fuzz (many).
For each operation it generates `max_examples` requests from the schema and checks that
- no answer is a server error (5xx),
- a documented status answers with a body matching its documented schema,
- every other 4xx answers with the API's error shape {"detail": …, "errors": [...]} (JSON) — or, for the
  few non-JSON operations (exports), at least is not a server error.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

ERROR_KEYS = {"detail", "errors"}


@dataclass
class FuzzReport:
    operations: int = 0
    examples: int = 0
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0
    by_status: dict[int, int] = field(default_factory=dict)

    def summary(self) -> str:
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(self.by_status.items()))
        return (f"{self.operations} operations × up to {self.examples // max(1, self.operations)} examples = "
                f"{self.examples} requests in {self.seconds:.1f} s; statuses {{{statuses}}}; "
                f"{len(self.failures)} failures")


def _error_shape_problem(response: Any) -> str | None:
    if response.status_code < 400 or response.status_code >= 500:
        return None
    content_type = response.headers.get("Content-Type", [""])
    content_type = content_type[0] if isinstance(content_type, list) else content_type
    if "json" not in content_type:
        return None
    try:
        body = json.loads(response.content)
    except ValueError:
        return f"{response.status_code} with a body that is not JSON"
    if not isinstance(body, dict) or not set(body) >= ERROR_KEYS or not isinstance(body["errors"], list):
        return f"{response.status_code} without the error shape: {str(body)[:200]}"
    return None


def run_fuzz(application: Any, *, headers: dict[str, str], max_examples: int, seed: int = 1,
             exclude: tuple[str, ...] = ()) -> FuzzReport:
    import schemathesis

    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
    report = FuzzReport()
    started = time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()
        label = f"{operation.method.upper()} {operation.path}"
        if any(part in operation.path for part in exclude):
            continue
        report.operations += 1
        seen: set[str] = set()
        exercise = _make_exercise(operation, label, seen, report, headers, max_examples)
        try:
            exercise()
        except BaseException as exc:  # noqa: BLE001 — a failure group or a generation problem: note it, go on
            if isinstance(exc, KeyboardInterrupt):
                raise
            report.failures.append(f"{label}: generation failed: {' '.join(str(exc).split())[:300]}")
    report.seconds = time.monotonic() - started
    return report


def _make_exercise(operation: Any, label: str, seen: set[str], report: FuzzReport, headers: dict[str, str],
                   max_examples: int) -> Any:
    import hypothesis
    from hypothesis import HealthCheck, Phase
    from schemathesis.checks import not_a_server_error, response_schema_conformance

    @hypothesis.settings(max_examples=max_examples, deadline=None, database=None, derandomize=True,
                         suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate],
                         verbosity=hypothesis.Verbosity.quiet)
    @hypothesis.given(case=operation.as_strategy())
    def exercise(case: Any) -> None:
        report.examples += 1
        cookies = dict(part.split("=", 1) for part in headers.get("Cookie", "").split("; ") if "=" in part)
        response = case.call(headers={k: v for k, v in headers.items() if k != "Cookie"}, cookies=cookies)
        report.by_status[response.status_code] = report.by_status.get(response.status_code, 0) + 1
        problems: list[str] = []
        try:
            case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
        except Exception as exc:  # noqa: BLE001 — schemathesis raises a group of failures
            problems.append(" ".join(str(exc).split())[:400])
        if shape := _error_shape_problem(response):
            problems.append(shape)
        for problem in problems:
            key = f"{label}: {response.status_code} {problem[:120]}"
            if key not in seen:
                seen.add(key)
                body = case.body if not isinstance(case.body, bytes) else case.body[:80]
                report.failures.append(f"{label} → {response.status_code}: {problem} | query={case.query} "
                                       f"path={case.path_parameters} body={str(body)[:200]}")


    return exercise


def signed_in_headers(user: Any) -> dict[str, str]:
    """Session cookie + matching CSRF cookie/header for `user` (unsafe API calls need the token)."""
    from django.test import Client
    from django.utils.crypto import get_random_string

    client = Client()
    client.force_login(user)
    session = client.cookies["sessionid"].value
    token = get_random_string(32)
    return {"Cookie": f"sessionid={session}; csrftoken={token}", "X-CSRFToken": token}
