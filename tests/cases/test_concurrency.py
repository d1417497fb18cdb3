"""Two reviewers deciding one case at the same moment: exactly one decision and one event (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from onewindow.cases.models import Case, CaseEvent
from onewindow.cases.services.lifecycle import case_approve, case_deny
from onewindow.core.errors import Conflict

from .conftest import act, case_number


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_reviewers_deciding_one_case_at_once_make_exactly_one_decision(people, submitted):
    number = case_number(submitted, "T-EMPLOY")
    assert act(people["reviewer_a"], number, "accept").status_code == 200
    users = [people["reviewer_a"].user, people["reviewer_a2"].user]
    for _round in range(5):
        Case.objects.filter(number=number).update(status="under_review", decided_by=None)
        CaseEvent.objects.filter(case__number=number, action__in=["approve", "deny"]).delete()
        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        def decide(i: int, barrier: threading.Barrier = barrier, outcomes: list[str] = outcomes) -> None:
            case = Case.objects.get(number=number)  # both read the same version
            barrier.wait()
            try:
                if i == 0:
                    case_approve(case=case, actor=users[i], opinion="同意")
                else:
                    case_deny(case=case, actor=users[i], reason="材料不实")
                outcomes.append("ok")
            except Conflict:
                outcomes.append("conflict")
            finally:
                connections.close_all()

        threads = [threading.Thread(target=decide, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(outcomes) == ["conflict", "ok"]
        case = Case.objects.get(number=number)
        assert case.status in ("approved", "denied")
        assert CaseEvent.objects.filter(case=case, action__in=["approve", "deny"]).count() == 1
