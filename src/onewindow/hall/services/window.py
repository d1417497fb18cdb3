"""Window acceptance from a queue ticket: the application the clerk takes at the counter, linked to the ticket.

The hall sits above cases: it calls cases' `application_submit` and writes the ticket's link (TicketApplication)
in the same transaction, so an application taken from a ticket is never left unlinked and a refused submission
links nothing. Cases itself knows the ticket only as a number on the application (`Application.ticket_id`).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from onewindow.cases.models import Channel
from onewindow.cases.services.submission import SubmitResult, application_submit
from onewindow.core.actors import Actor
from onewindow.core.errors import NotFound
from onewindow.hall.models import Ticket
from onewindow.hall.services.queue import ticket_link_application


def ticket_for_window(ticket_id: int) -> Ticket:
    """The ticket a window acceptance names, or NotFound naming the field."""
    ticket = Ticket.objects.select_related("hall").filter(pk=ticket_id).first()
    if ticket is None:
        raise NotFound(_("号码不存在"), field="ticket")
    return ticket


def ticket_application_submit(*, ticket_id: int, actor: Actor, **submission: Any) -> SubmitResult:
    """Submit a window application for the holder of `ticket_id` and link it to the ticket (one transaction).

    Takes `application_submit`'s keywords (the channel is always the window). A replayed submission (same
    idempotency key and content) returns the first application; its link is already there.
    """
    ticket = ticket_for_window(ticket_id)
    submission["channel"] = Channel.WINDOW
    with transaction.atomic():
        result = application_submit(actor=actor, ticket_id=ticket.pk, **submission)
        if result.created:
            ticket_link_application(ticket_id=ticket.pk, application_id=result.application.pk, actor=actor)
    return result
