"""hall 0006–0007 move the ticket, clerk-state and appointment events onto core.events.AppendOnlyEvent: a database
migrated back to 0005, with events in the old shapes, migrated forward again keeps every row — renamed
columns keep their values, the derived ones (from/to status, the clerk-state action, the actor's label) are
filled, an ended session is signed out, and the (kind, at) index is the (action, at) index."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from onewindow.catalog.models import WindowCategory
from onewindow.core.models import Profile
from onewindow.hall.models import AppointmentEvent, ClerkSession, ClerkStateEvent, TicketEvent
from tests.hall.conftest import TZ

BEFORE = [("hall", "0005_pad_device")]
T0 = dt.datetime(2026, 11, 25, 9, 0, tzinfo=TZ)


def _at(minutes: int) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def _old_rows(old, clerk: User, categories: list[int]) -> dict[str, int]:
    """One served ticket, one transferred and cancelled, a session of a day and a cancelled booking."""
    Hall, HallCategory, Counter = (old.get_model("hall", m) for m in ("Hall", "HallCategory", "Counter"))
    Ticket, TicketEvent0 = old.get_model("hall", "Ticket"), old.get_model("hall", "TicketEvent")
    hall = Hall.objects.create(code="mig", name="迁移测试大厅")
    a, b = (HallCategory.objects.create(hall=hall, category_id=w, prefix=p) for w, p in zip(categories, "AB", strict=True))
    counter = Counter.objects.create(hall=hall, number=1)
    served, moved = (Ticket.objects.create(hall=hall, category=a, issued_category=a, day=T0.date(), seq=n,
                                           number=f"A00{n}", token=f"migration-token-{n}", issued_at=T0,
                                           effective_time=T0) for n in (1, 2))
    for ticket, kind, minutes, note in ((served, "issued", 0, ""), (served, "called", 5, ""),
                                        (served, "started", 6, ""), (served, "finished", 12, "社会保障卡申领"),
                                        (moved, "issued", 1, ""), (moved, "called", 13, ""),
                                        (moved, "transferred", 14, "→ 经营管理"), (moved, "cancelled", 20, "")):
        TicketEvent0.objects.create(ticket=ticket, kind=kind, at=_at(minutes), note=note,
                                    counter=counter if kind not in ("issued", "cancelled") else None,
                                    clerk_id=clerk.pk if kind not in ("issued", "cancelled") else None,
                                    from_category=a if kind == "transferred" else None,
                                    to_category=b if kind == "transferred" else (a if kind == "issued" else None))
    session = old.get_model("hall", "ClerkSession").objects.create(counter=counter, clerk_id=clerk.pk,
                                                                   started_at=T0, ended_at=_at(60))
    for state, minutes in (("available", 0), ("serving", 5), ("available", 12), ("break", 30), ("available", 40),
                           ("signed_out", 60)):
        old.get_model("hall", "ClerkStateEvent").objects.create(session=session, state=state, at=_at(minutes))
    slot = old.get_model("hall", "AppointmentSlot").objects.create(hall=hall, category=a, date=T0.date(),
                                                                   start=dt.time(10), end=dt.time(10, 30), capacity=2)
    booking = old.get_model("hall", "Appointment").objects.create(slot=slot, phone="13800000000", code="12345678",
                                                                  status="cancelled", created_at=T0,
                                                                  citizen_id=clerk.pk)
    for kind, minutes in (("booked", 0), ("cancelled", 3)):
        old.get_model("hall", "AppointmentEvent").objects.create(appointment=booking, kind=kind, at=_at(minutes),
                                                                 actor_id=clerk.pk)
    return {"served": served.pk, "moved": moved.pk, "session": session.pk, "booking": booking.pk}


@pytest.mark.migrations
@pytest.mark.django_db(transaction=True)
def test_hall_events_keep_every_row_on_the_shared_event_base() -> None:
    forward = MigrationExecutor(connection).loader.graph.leaf_nodes()
    clerk = User.objects.create_user("mig_clerk")
    Profile.objects.create(user=clerk, display_name="陈雅琴")
    # other apps' tables stay as they are now: made with today's models
    categories = [WindowCategory.objects.create(code=f"mig-{code}", name=name, default_ticket_prefix=prefix).pk
                  for code, name, prefix in (("social", "社会民生", "A"), ("business", "经营管理", "B"))]
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(BEFORE)
        old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
        ids = _old_rows(old, clerk, categories)
    finally:
        MigrationExecutor(connection).migrate(forward)

    served = list(TicketEvent.objects.filter(ticket_id=ids["served"]).values_list(
        "action", "from_status", "to_status", "actor_id", "actor_label", "reason", "counter__number"))
    assert served == [
        ("issued", "", "waiting", None, "", "", None),
        ("called", "waiting", "called", clerk.pk, "陈雅琴", "", 1),
        ("started", "called", "serving", clerk.pk, "陈雅琴", "", 1),
        ("finished", "serving", "finished", clerk.pk, "陈雅琴", "社会保障卡申领", 1),
    ]
    moved = list(TicketEvent.objects.filter(ticket_id=ids["moved"]).values_list(
        "action", "from_status", "to_status", "reason", "from_category__prefix", "to_category__prefix"))
    assert moved == [("issued", "", "waiting", "", None, "A"), ("called", "waiting", "called", "", None, None),
                     ("transferred", "called", "waiting", "→ 经营管理", "A", "B"),
                     ("cancelled", "waiting", "cancelled", "", None, None)]
    assert TicketEvent.objects.count() == 8 and all(e.data == {} for e in TicketEvent.objects.all())

    states = list(ClerkStateEvent.objects.filter(session_id=ids["session"]).values_list(
        "action", "from_status", "to_status", "actor_id", "actor_label"))
    assert states == [("sign_in", "", "available", clerk.pk, "陈雅琴"),
                      ("serve", "available", "serving", clerk.pk, "陈雅琴"),
                      ("free", "serving", "available", clerk.pk, "陈雅琴"),
                      ("break", "available", "break", clerk.pk, "陈雅琴"),
                      ("resume", "break", "available", clerk.pk, "陈雅琴"),
                      ("sign_out", "available", "signed_out", clerk.pk, "陈雅琴")]
    assert ClerkSession.objects.get(pk=ids["session"]).state == "signed_out"

    assert list(AppointmentEvent.objects.filter(appointment_id=ids["booking"]).values_list(
        "action", "from_status", "to_status", "actor_id")) == [("booked", "", "booked", clerk.pk),
                                                              ("cancelled", "booked", "cancelled", clerk.pk)]
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, TicketEvent._meta.db_table)
    assert indexes["ticket_event_action_at"]["columns"] == ["action", "at"]
    assert "ticket_event_kind_at" not in indexes
