"""A small schemathesis run over the whole API: no 5xx, no answer outside its documented schema."""

from __future__ import annotations

import pytest

from tests.security.fuzzing import run_fuzz, signed_in_headers

EXAMPLES_PER_OPERATION = 4


@pytest.mark.django_db(transaction=True)
def test_generated_requests_to_every_api_operation_never_cause_a_server_error(submitted, make_user, settings) -> None:  # noqa: ANN001
    from onewindow.wsgi import application

    settings.RATE_LIMIT_EXEMPT = ["127.0.0.0/8"]
    staff = make_user("fuzz_staff")
    staff.is_superuser = True  # holds every role, so every operation is reachable
    staff.save()
    report = run_fuzz(application, headers=signed_in_headers(staff), max_examples=EXAMPLES_PER_OPERATION)
    assert report.operations > 60
    assert not report.failures, report.summary() + "\n" + "\n".join(report.failures)
