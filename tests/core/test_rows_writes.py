"""core.rows' written-once writes (the INSERT of an event or a ticket, the conditional UPDATE of `transition()`)
behave as the ORM calls they replace: same row count check, same signals, same values, and a fallback to the
ORM for whatever they do not cover. On PostgreSQL they are prepared statements."""

import datetime as dt

import pytest
from django.db import connection
from django.db.models import F
from django.db.models.signals import post_save, pre_save

from onewindow.core import rows
from onewindow.core.events import TransitionRefused, record_event, transition
from onewindow.hall.models import Hall, HallCategory, Ticket, TicketAction, TicketEvent, TicketStatus

pytestmark = pytest.mark.django_db


def _ticket(hall: Hall) -> Ticket:
    category = HallCategory.objects.create(hall=hall, category=_window(), prefix="A")
    now = dt.datetime(2026, 11, 25, 2, 0, tzinfo=dt.UTC)
    return rows.create(Ticket, hall=hall, category=category, issued_category=category, day=now.date(), seq=1,
                       number="A001", token="t-1", issued_at=now, effective_time=now)


def _window():  # type: ignore[no-untyped-def]
    from onewindow.catalog.models import WindowCategory

    return WindowCategory.objects.get_or_create(code="social", defaults={"name": "社会民生",
                                                                         "default_ticket_prefix": "A"})[0]


@pytest.fixture
def hall() -> Hall:
    return Hall.objects.create(code="rows", name="测试大厅")


def test_create_writes_the_row_the_orm_would(hall: Hall) -> None:
    ticket = _ticket(hall)
    assert ticket.pk is not None and not ticket._state.adding and ticket._state.db == "default"
    stored = Ticket.objects.get(pk=ticket.pk)
    # defaults filled as the model declares them, foreign keys stored, datetimes round-trip
    assert (stored.status, stored.priority, stored.requeue_count, stored.phone) == (TicketStatus.WAITING, 0, 0, "")
    assert stored.hall_id == hall.pk and stored.category_id == ticket.category_id
    assert stored.issued_at == ticket.issued_at


def test_insert_sends_the_save_signals(hall: Hall) -> None:
    ticket = _ticket(hall)
    seen: list[tuple[str, bool, bool]] = []

    def before(sender, instance, **kw):  # type: ignore[no-untyped-def]
        instance.reason = "set before saving"  # a pre_save receiver may change the row that is written
        seen.append(("pre", instance.pk is None, kw["raw"]))

    def after(sender, instance, created, **kw):  # type: ignore[no-untyped-def]
        seen.append(("post", created, instance.pk is not None))

    pre_save.connect(before, sender=TicketEvent)
    post_save.connect(after, sender=TicketEvent)
    try:
        event = record_event(ticket, event_model=TicketEvent, action=TicketAction.RECALLED, actor=None,
                             audit=False)
    finally:
        pre_save.disconnect(before, sender=TicketEvent)
        post_save.disconnect(after, sender=TicketEvent)
    assert seen == [("pre", True, False), ("post", True, True)]
    assert TicketEvent.objects.get(pk=event.pk).reason == "set before saving"


def test_event_rows_stay_append_only(hall: Hall) -> None:
    event = record_event(_ticket(hall), event_model=TicketEvent, action=TicketAction.RECALLED, actor=None,
                         audit=False)
    with pytest.raises(TypeError):
        event.save()


def test_transition_checks_the_row_count_and_writes_one_event(hall: Hall) -> None:
    ticket = _ticket(hall)
    stale = Ticket.objects.get(pk=ticket.pk)
    transition(ticket, to=TicketStatus.CANCELLED, allowed_from={TicketStatus.WAITING}, action="cancelled",
               actor=None, event_model=TicketEvent, version_field=None, timestamp_field=None, audit=False,
               changes={"priority_reason": "elderly", "counter": None})
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.CANCELLED
    with pytest.raises(TransitionRefused):  # someone else moved it first: nothing changes, no event
        transition(stale, to=TicketStatus.CALLED, allowed_from={TicketStatus.WAITING}, action="called",
                   actor=None, event_model=TicketEvent, version_field=None, timestamp_field=None, audit=False)
    assert list(TicketEvent.objects.filter(ticket=ticket).values_list("action", flat=True)) == ["cancelled"]
    stored = Ticket.objects.get(pk=ticket.pk)
    assert (stored.status, stored.priority_reason) == (TicketStatus.CANCELLED, "elderly")


def test_update_increments_and_binds_instances(hall: Hall) -> None:
    ticket = _ticket(hall)
    from onewindow.catalog.models import WindowCategory

    business = WindowCategory.objects.get_or_create(code="business", defaults={"name": "经营管理",
                                                                               "default_ticket_prefix": "B"})[0]
    other = HallCategory.objects.create(hall=hall, category=business, prefix="B")
    n = rows.update(Ticket, where={"pk": ticket.pk, "status": TicketStatus.WAITING},
                    values={"category": other}, increment=("requeue_count",))
    assert n == 1
    stored = Ticket.objects.get(pk=ticket.pk)
    assert (stored.category_id, stored.requeue_count) == (other.pk, 1)
    assert rows.update(Ticket, where={"pk": ticket.pk, "status": TicketStatus.CALLED}, values={"seq": 9}) == 0


def test_update_leaves_expressions_to_the_orm(hall: Hall) -> None:
    ticket = _ticket(hall)
    assert rows.update(Ticket, where={"pk": ticket.pk}, values={"seq": F("seq") + 10}) == 1
    assert Ticket.objects.get(pk=ticket.pk).seq == 11


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_hot_statements_are_prepared_on_postgresql(hall: Hall) -> None:
    threshold = connection.settings_dict["OPTIONS"].get("prepare_threshold")
    if threshold is None:
        pytest.skip("prepared statements turned off (ONEWINDOW_PG_PREPARE_THRESHOLD=off)")
    ticket = _ticket(hall)
    for _ in range(threshold + 1):
        record_event(ticket, event_model=TicketEvent, action=TicketAction.RECALLED, actor=None, audit=False)
    with connection.cursor() as c:
        c.execute("SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s", ["INSERT INTO%hall_ticketevent%"])
        assert c.fetchall(), "the event INSERT is not prepared"


def _statements(captured: list[dict]) -> list[str]:
    return [q["sql"] for q in captured if (q["sql"] or "?").split(" ")[0] not in ("SAVEPOINT", "RELEASE")]


def test_a_transition_writes_its_update_and_event_in_one_statement_on_postgresql(hall: Hall) -> None:
    from django.test.utils import CaptureQueriesContext

    ticket = _ticket(hall)
    with CaptureQueriesContext(connection) as sql:
        transition(ticket, to=TicketStatus.CANCELLED, allowed_from={TicketStatus.WAITING}, action="cancelled",
                   actor=None, event_model=TicketEvent, version_field=None, timestamp_field=None, audit=False,
                   reason="holder left")
    # SQLite has no data-modifying WITH: the UPDATE and the INSERT are two statements there
    assert len(_statements(sql.captured_queries)) == (1 if connection.vendor == "postgresql" else 2)
    event = TicketEvent.objects.get(ticket=ticket)
    assert (event.action, event.from_status, event.to_status, event.reason) == (
        "cancelled", TicketStatus.WAITING, TicketStatus.CANCELLED, "holder left")
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.CANCELLED


def test_a_refused_update_writes_no_event_and_leaves_the_instance_as_it_was(hall: Hall) -> None:
    ticket = _ticket(hall)
    Ticket.objects.filter(pk=ticket.pk).update(status=TicketStatus.CANCELLED)  # behind the instance's back
    event = TicketEvent(ticket=ticket, at=ticket.issued_at, action="called", to_status=TicketStatus.CALLED)
    assert not rows.update_then_insert(Ticket, where={"pk": ticket.pk, "status": TicketStatus.WAITING},
                                       values={"status": TicketStatus.CALLED}, row=event)
    assert event.pk is None and not TicketEvent.objects.filter(ticket=ticket).exists()
    with pytest.raises(TransitionRefused):
        transition(ticket, to=TicketStatus.CALLED, allowed_from={TicketStatus.WAITING}, action="called",
                   actor=None, event_model=TicketEvent, version_field=None, timestamp_field=None, audit=False)
    assert ticket.status == TicketStatus.WAITING  # the caller's copy is not moved either
    assert not TicketEvent.objects.filter(ticket=ticket).exists()


def test_a_value_too_long_for_its_column_is_refused_not_cut(hall: Hall) -> None:
    from django.db import DataError, transaction

    ticket = _ticket(hall)
    event = TicketEvent(ticket=ticket, at=ticket.issued_at, action="x" * 41, to_status=TicketStatus.CANCELLED)
    if connection.vendor == "sqlite":
        pytest.skip("SQLite does not enforce a varchar's length")
    with pytest.raises(DataError), transaction.atomic():  # action is varchar(40): a cast would cut it silently
        rows.update_then_insert(Ticket, where={"pk": ticket.pk, "status": TicketStatus.WAITING},
                                values={"status": TicketStatus.CANCELLED}, row=event)
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.WAITING


def test_a_new_row_and_its_first_event_are_one_statement_with_both_signals(hall: Hall) -> None:
    from django.test.utils import CaptureQueriesContext

    from onewindow.core.events import insert_with_event

    category = HallCategory.objects.create(hall=hall, category=_window(), prefix="A")
    now = dt.datetime(2026, 11, 25, 2, 0, tzinfo=dt.UTC)
    ticket = Ticket(hall=hall, category=category, issued_category=category, day=now.date(), seq=7, number="A007",
                    token="t-7", issued_at=now, effective_time=now)
    seen: list[tuple[str, str]] = []

    def after(sender, instance, created, **kw):  # type: ignore[no-untyped-def]
        seen.append((sender.__name__, "created" if created and instance.pk else "?"))

    post_save.connect(after, sender=Ticket)
    post_save.connect(after, sender=TicketEvent)
    try:
        with CaptureQueriesContext(connection) as sql:
            insert_with_event(ticket, event_model=TicketEvent, action=TicketAction.ISSUED, actor=None,
                              to_status=TicketStatus.WAITING, at=now, audit=False,
                              event_fields={"to_category": category})
    finally:
        post_save.disconnect(after, sender=Ticket)
        post_save.disconnect(after, sender=TicketEvent)
    assert len(_statements(sql.captured_queries)) == (1 if connection.vendor == "postgresql" else 2)
    assert seen == [("Ticket", "created"), ("TicketEvent", "created")]
    event = TicketEvent.objects.get(ticket=ticket)
    assert (event.ticket_id, event.action, event.to_status, event.to_category_id, event.at) == (
        ticket.pk, TicketAction.ISSUED, TicketStatus.WAITING, category.pk, now)
    assert Ticket.objects.get(pk=ticket.pk).number == "A007"


def test_an_expression_in_the_event_row_is_left_to_the_orm_and_still_written_after_the_update(hall: Hall) -> None:
    from django.db.models import Value

    from onewindow.core.events import insert_with_event

    ticket = _ticket(hall)
    event = TicketEvent(ticket=ticket, at=ticket.issued_at, action="cancelled", reason=Value("by an expression"),
                        to_status=TicketStatus.CANCELLED)
    assert rows.update_then_insert(Ticket, where={"pk": ticket.pk, "status": TicketStatus.WAITING},
                                   values={"status": TicketStatus.CANCELLED}, row=event)
    assert TicketEvent.objects.get(pk=event.pk).reason == "by an expression"
    refused = TicketEvent(ticket=ticket, at=ticket.issued_at, action="called", reason=Value("never"))
    assert not rows.update_then_insert(Ticket, where={"pk": ticket.pk, "status": TicketStatus.WAITING},
                                       values={"status": TicketStatus.CALLED}, row=refused)
    assert not TicketEvent.objects.filter(reason="never").exists()

    second = Ticket(hall=hall, category=ticket.category, issued_category=ticket.category, day=ticket.day, seq=2,
                    number="A002", token="t-2", issued_at=ticket.issued_at, effective_time=ticket.issued_at)
    insert_with_event(second, event_model=TicketEvent, action=TicketAction.ISSUED, actor=None, audit=False,
                      reason=Value("issued by an expression"), to_status=TicketStatus.WAITING)
    assert second.pk is not None
    assert TicketEvent.objects.get(ticket=second).reason == "issued by an expression"
