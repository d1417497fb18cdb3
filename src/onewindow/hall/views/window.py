"""Window acceptance for a queue ticket: the cases window page, submitting through the hall so that the
application is linked to the ticket it was taken from (hall.services.window)."""

from __future__ import annotations

from functools import partial

from django.http import Http404, HttpRequest, HttpResponse

from onewindow.cases.views.window import window_accept_page
from onewindow.core.access import Role, allow
from onewindow.core.errors import NotFound
from onewindow.hall import selectors
from onewindow.hall.services.window import ticket_application_submit, ticket_for_window


@allow(Role.CLERK)
def ticket_accept(request: HttpRequest, ticket: int) -> HttpResponse:
    try:
        found = ticket_for_window(ticket)
    except NotFound:
        raise Http404("ticket") from None
    categories = {c.category_id for c in selectors.hall_categories(found.hall)}
    return window_accept_page(request, submit=partial(ticket_application_submit, ticket_id=found.pk),
                              ticket=found.number, bundle=found.bundle_code, categories=categories)
