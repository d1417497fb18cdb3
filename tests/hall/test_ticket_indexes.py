"""The ticket table's indexes: call-next reads the waiting tickets' index, and no index is written for nothing.

Every status change of a ticket writes a new entry into each of its indexes, and before a new table has
statistics the planner chose between indexes that lead with the hall by their order (docs/operations.md
"Hot paths"): it read every ticket of the hall for each call-next.
"""

import datetime as dt
import re
import secrets

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from onewindow.hall.models import HallCategory, Ticket
from onewindow.hall.queue_selectors import current_of_session_sql, next_waiting_sql
from tests.hall.conftest import counter

# the foreign keys' own indexes, dropped by migration hall 0011 (each covered by an index that leads with it)
DROPPED = {"hall_ticket_counter_id_b057154b", "hall_ticket_hall_id_1f8c4713", "hall_ticket_issued_category_id_e590724a"}


@pytest.mark.django_db
def test_the_ticket_table_keeps_its_queue_indexes_and_the_one_current_ticket_rule_without_the_redundant_ones() -> None:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Ticket._meta.db_table)
    assert {"ticket_waiting_queue", "ticket_one_current_per_counter", "ticket_counter_status", "ticket_day_hall",
            "ticket_unique_number_per_day"} <= set(constraints)
    assert not set(constraints) & DROPPED and "ticket_hall_day" not in constraints
    # by what they cover, whatever the engine named them: no plain index on one of the three columns alone
    plain_single = {tuple(c["columns"]) for c in constraints.values()
                    if c["index"] and not c["unique"] and not c["primary_key"] and len(c["columns"]) == 1}
    assert not plain_single & {("hall_id",), ("counter_id",), ("issued_category_id",)}, plain_single
    assert ("category_id",) in plain_single  # the foreign keys that keep theirs still have them


def _a_busy_afternoon(hall) -> tuple[object, list[object]]:
    """600 tickets served today by one clerk at counter 1 and three still waiting, without ANALYZE (a hall's
    first day on a new installation); the clerk and the parameters of call-next for counter 1."""
    social = HallCategory.objects.get(hall=hall, category__code="social")
    clerk = get_user_model().objects.create_user("clerk-indexes", password=secrets.token_hex(8))
    now, at_1 = timezone.now(), counter(hall, 1)
    Ticket.objects.bulk_create(
        Ticket(hall=hall, category=social, issued_category=social, day=now.date(), seq=n, number=f"A{n:03d}",
               token=f"tok-{n}", issued_at=now - dt.timedelta(minutes=n), effective_time=now - dt.timedelta(minutes=n),
               status="waiting" if n <= 3 else "finished", counter=None if n <= 3 else at_1,
               clerk=None if n <= 3 else clerk)
        for n in range(1, 604))
    return clerk, [hall.pk, now, social.pk, at_1.pk]


def _generic_plan(sql: str, params: list[object]) -> str:
    """EXPLAIN of `sql` prepared and planned without its parameters' values, as PostgreSQL may plan a prepared
    statement after its first five runs."""
    numbered = iter(range(1, 100))
    prepared = re.sub("%s", lambda _: f"${next(numbered)}", sql)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        cursor.execute(f"PREPARE plan_test AS {prepared}")
        try:
            cursor.execute(f"EXPLAIN EXECUTE plan_test({', '.join(['%s'] * len(params))})", params)
            return "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("DEALLOCATE plan_test")


@pytest.mark.postgres
@pytest.mark.django_db
def test_call_next_reads_the_waiting_tickets_index_before_the_table_has_statistics(hall) -> None:
    _, params = _a_busy_afternoon(hall)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + next_waiting_sql(1), params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "ticket_waiting_queue" in plan, plan


@pytest.mark.postgres
@pytest.mark.django_db
def test_call_next_reads_the_waiting_tickets_index_also_in_the_prepared_statements_generic_plan(hall) -> None:
    """The server prepares the statement (core.rows.cursor) and PostgreSQL may switch to a plan made without the
    parameters' values: the waiting status must be part of the statement for that plan to use the index."""
    _, params = _a_busy_afternoon(hall)
    plan = _generic_plan(next_waiting_sql(1), params)
    assert "ticket_waiting_queue" in plan, plan


@pytest.mark.postgres
@pytest.mark.django_db
def test_finish_finds_the_counters_current_ticket_by_the_one_current_ticket_index_not_the_clerks_history(hall) -> None:
    clerk, params = _a_busy_afternoon(hall)
    plan = _generic_plan(current_of_session_sql(["called", "serving"]), [clerk.pk, params[3], clerk.pk])
    assert "ticket_one_current_per_counter" in plan, plan


def test_only_ticket_statuses_are_written_into_the_current_ticket_statement() -> None:
    with pytest.raises(ValueError, match="not a ticket status"):
        current_of_session_sql(["called", "x' OR '1'='1"])
