"""The queue cycle's SQL budget. Issue + call-next + finish through the API is the product's hottest path (16
counters calling while the kiosks issue); a later issue brings the cycle down to 15 statements, and nothing
may add to it meanwhile."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.hall.conftest import counter

pytestmark = pytest.mark.django_db

# Statements of one cycle as the test client sees them (inside the test's transaction, so each service's
# transaction shows as SAVEPOINT … RELEASE): issue 13, call-next 14, finish 12, on SQLite and PostgreSQL.
# It was 40 before the ticket moves went through core.events.transition() (call-next no longer re-reads the
# ticket it claimed).
QUEUE_CYCLE_BUDGET = 39


def test_an_issue_call_finish_cycle_stays_within_its_sql_budget(hall, frozen_morning, clerk_at):
    kiosk = Client()
    clerk = clerk_at(counter(hall, 1))
    steps = {
        "issue": lambda: kiosk.post(f"/api/v1/halls/{hall.code}/tickets", {"category": "social"},
                                    content_type="application/json"),
        "call": lambda: clerk.post(f"/api/v1/counters/{clerk.counter.pk}/call-next"),
        "finish": lambda: clerk.post(f"/api/v1/counters/{clerk.counter.pk}/finish", {},
                                     content_type="application/json"),
    }
    for step in steps.values():  # a first cycle warms the caches (content types, the official calendar)
        step()
    counts = {}
    for name, step in steps.items():
        with CaptureQueriesContext(connection) as sql:
            response = step()
        assert response.status_code == (201 if name == "issue" else 200), response.content
        counts[name] = len(sql)
    assert response.json()["status"] == "finished"
    assert sum(counts.values()) <= QUEUE_CYCLE_BUDGET, counts
