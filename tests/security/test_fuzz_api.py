"""The fuzzer, bounded, as every role: no generated request answers 5xx, leaves its documented schema or the
error shape, or reaches the overflow backstop — over the whole API, the Open311 routes and the HTML forms.

Rate limits stay on (429 is an allowed answer). `bench/fuzz.py --examples N` runs the same thing deeper.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest

from onewindow.core.access import Role
from tests.security.fuzzing import Identity, fuzz_world, identities, run_fuzz

pytestmark = pytest.mark.once_on_postgres  # see scripts/test.sh

API_EXAMPLES = 2  # per operation the identity may call (one for the others: they must be refused)
OPEN311_EXAMPLES = 6
FORM_EXAMPLES = 2
PAGE_EXAMPLES = 1
MAX_PAGES = 40  # pages opened per identity (one per route; the pages they link to included)
DEEP_ON_PUBLIC = ("anonymous", "superuser")  # the other roles take one example on PUBLIC operations and pages
IDENTITIES = [*(str(r) for r in Role), "superuser", "anonymous"]
CAST_NAME = {Role.REVIEWER: "reviewer_a"}


@cache
def _schema() -> Any:
    from onewindow.wsgi import application
    from tests.security.fuzzing import _load_schema

    return _load_schema(application)


def _identity(who: str, cast: Any, make_user: Any) -> Identity:
    if who == "anonymous":
        user = None
    elif who == "superuser":
        user = make_user("fuzz_superuser")
        user.is_superuser = user.is_staff = True
        user.save()
    else:
        user = cast.users[CAST_NAME.get(Role(who), who)]
    index = IDENTITIES.index(who)
    return identities({f"skip{i}": None for i in range(index)} | {who: user})[-1]


@pytest.mark.parametrize("who", IDENTITIES)
@pytest.mark.django_db
def test_generated_requests_never_cause_a_server_error(who: str, cast, submitted, make_user, settings) -> None:
    from onewindow.wsgi import application

    settings.RATE_LIMIT_EXEMPT = []  # rate limits on: a 429 is an allowed answer
    fuzz_world()
    identity = _identity(who, cast, make_user)
    report = run_fuzz(application, identity, max_examples=API_EXAMPLES, schema=_schema(),
                      open311_examples=OPEN311_EXAMPLES, form_examples=FORM_EXAMPLES,
                      page_examples=PAGE_EXAMPLES, public_examples=None if who in DEEP_ON_PUBLIC else 1,
                      pages_per_route=1, max_pages=MAX_PAGES)
    print(f"{who}: {report.summary()}")
    assert report.operations > 60 and report.by_part["open311"] >= OPEN311_EXAMPLES
    assert report.requests > report.operations
    assert not report.failures, report.summary() + "\n" + "\n".join(report.failures)
