"""Window acceptance from a hall queue ticket: the hall's page submits through hall.services.window, so the
application is linked to its ticket in the same transaction; cases itself never writes a ticket link."""

from __future__ import annotations

import pytest

from onewindow.cases.models import Application
from onewindow.core.models import AuditEntry
from onewindow.core.validators import credit_code_check_char
from onewindow.hall.models import TicketApplication

from .builders import hall_ticket
from .conftest import payload, post_json

pytestmark = pytest.mark.django_db

CODE17 = "91350981MA2Y3K7Q1"


def _window_form(**over: str) -> dict[str, object]:
    data: dict[str, object] = {
        "idem": "t1", "action": "accept", "applicant.kind": "enterprise", "applicant.name": "福安市闽东电机有限公司",
        "applicant.credit_code": CODE17 + credit_code_check_char(CODE17), "applicant.legal_representative": "陈志强",
        "applicant.contact_name": "郑丽", "applicant.contact_phone": "13905931234",
        "form.employer": "福安市闽东电机有限公司", "form.start_date": "2026-03-02", "checked": ["M-ID", "M-CONTRACT"]}
    data.update(over)
    return data


def test_the_console_link_for_a_ticket_opens_the_halls_window_page(people, catalog):
    ticket = hall_ticket()
    r = people["clerk"].get(f"/cases/clerk/accept/?ticket={ticket.pk}&kind=bundle&code=T-HIRE&food=no")
    assert r.status_code == 307
    assert r["Location"] == f"/hall/tickets/{ticket.pk}/accept/?kind=bundle&code=T-HIRE&food=no"
    page = people["clerk"].get(r["Location"]).content.decode()
    assert "号码 A001" in page and "一次性告知" in page and f"#{ticket.pk}" not in page


def test_an_application_taken_from_a_ticket_is_linked_to_it_once(people, catalog, media):
    ticket = hall_ticket()
    url = f"/hall/tickets/{ticket.pk}/accept/?kind=bundle&code=T-HIRE&food=no"
    r = people["clerk"].post(url, _window_form())
    assert r.status_code == 302, r.content.decode()[:2000]
    app = Application.objects.get()
    assert r["Location"] == f"/cases/a/{app.number}/"
    assert app.channel == "window" and app.ticket_id == ticket.pk
    assert set(app.cases.values_list("status", flat=True)) == {"accepted", "completed"}
    link = TicketApplication.objects.get()
    assert (link.ticket_id, link.application_id, link.linked_by_id) == (ticket.pk, app.pk, people["clerk"].user.pk)
    assert AuditEntry.objects.filter(action="hall.ticket_link_application").count() == 1
    # the same form sent again (a double click) gives the same application and no second link
    assert people["clerk"].post(url, _window_form())["Location"] == f"/cases/a/{app.number}/"
    assert Application.objects.count() == 1 and TicketApplication.objects.count() == 1


def test_a_form_posted_to_the_cases_page_with_a_ticket_is_posted_again_to_the_halls_page(people, catalog, media):
    ticket = hall_ticket()
    r = people["clerk"].post(f"/cases/clerk/accept/?ticket={ticket.pk}&kind=bundle&code=T-HIRE&food=no",
                             _window_form(), follow=True)
    assert r.status_code == 200
    app = Application.objects.get()
    assert r.redirect_chain[-1][0] == f"/cases/a/{app.number}/"
    assert TicketApplication.objects.filter(ticket=ticket, application=app).exists()


def test_a_refused_window_submission_from_a_ticket_links_nothing(people, catalog, media):
    ticket = hall_ticket()
    r = people["clerk"].post(f"/hall/tickets/{ticket.pk}/accept/?kind=bundle&code=T-HIRE&food=no",
                             _window_form(**{"applicant.credit_code": "91350981MA2XXXXX0X"}))
    assert r.status_code == 400 and "统一社会信用代码校验位错误" in r.content.decode()
    assert not Application.objects.exists() and not TicketApplication.objects.exists()


def test_an_unknown_ticket_has_no_window_page(people, catalog):
    assert people["clerk"].get("/hall/tickets/987654/accept/?kind=item&code=T-EMPLOY").status_code == 404
    assert people["citizen"].get(f"/hall/tickets/{hall_ticket().pk}/accept/").status_code == 403


def test_the_api_records_a_ticket_number_but_only_the_hall_links_tickets(people, catalog, media):
    ticket = hall_ticket()
    r = post_json(people["clerk"], {**payload(), "channel": "window", "ticket_id": ticket.pk})
    assert r.status_code == 201, r.content
    assert Application.objects.get().ticket_id == ticket.pk
    assert not TicketApplication.objects.exists()
