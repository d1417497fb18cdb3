"""The clerk at the window (issue 19): the ticket's number in the header, the kiosk's bundle preselected, only the
hall's own bundles offered, one box to tick every paper verified and a success message that tells what happened."""

from __future__ import annotations

import pytest

from onewindow.bundles.models import Bundle
from onewindow.catalog.models import WindowCategory
from onewindow.hall.models import Hall, HallCategory, Ticket, TicketApplication

from .builders import hall_ticket
from .test_window_ticket import _window_form

pytestmark = pytest.mark.django_db


def _other_hall_bundle(catalog) -> Bundle:  # type: ignore[no-untyped-def]
    """A bundle served by a window category no counter of the ticket's hall handles (another hall's)."""
    other, _ = WindowCategory.objects.get_or_create(code="hr-elsewhere", defaults={"name": "别处人社"})
    hall = Hall.objects.create(code="elsewhere", name="别处行政服务中心")
    HallCategory.objects.create(hall=hall, category=other, prefix="D")
    return Bundle.objects.create(code="T-ELSEWHERE", name="别处才办的一件事", lead_department=catalog.dept_a,
                                 window_category=other)


def test_the_accept_page_names_the_ticket_by_its_number_not_its_database_id(people, catalog):
    ticket = hall_ticket()
    page = people["clerk"].get(f"/hall/tickets/{ticket.pk}/accept/").content.decode()
    assert "号码 A001" in page and "排队号 #" not in page


def test_the_bundle_chosen_at_the_kiosk_is_preselected_until_the_clerk_picks_another(people, catalog):
    ticket = hall_ticket()
    Ticket.objects.filter(pk=ticket.pk).update(bundle_code="T-HIRE", service_label="企业招用员工一件事")
    page = people["clerk"].get(f"/hall/tickets/{ticket.pk}/accept/").content.decode()
    assert "企业招用员工一件事 · 情形选择" in page and 'name="code" value="T-HIRE"' in page
    picked = people["clerk"].get(f"/hall/tickets/{ticket.pk}/accept/?pick=1").content.decode()
    assert "情形选择" not in picked and "搜索事项或一件事" in picked


def test_a_counter_offers_only_the_bundles_and_items_its_hall_handles(people, catalog):
    _other_hall_bundle(catalog)
    ticket = hall_ticket()
    at_counter = people["clerk"].get(f"/hall/tickets/{ticket.pk}/accept/").content.decode()
    assert "企业招用员工一件事" in at_counter and "别处才办的一件事" not in at_counter
    searched = people["clerk"].get(f"/hall/tickets/{ticket.pk}/accept/?q=一件事").content.decode()
    assert "别处才办的一件事" not in searched
    # the plain window page (no ticket, no hall) offers every bundle
    assert "别处才办的一件事" in people["clerk"].get("/cases/clerk/accept/").content.decode()


def test_the_materials_have_one_box_to_tick_every_paper_verified(people, catalog):
    page = people["clerk"].get("/cases/clerk/accept/?kind=bundle&code=T-HIRE&food=no").content.decode()
    assert 'data-check-all="checked"' in page and page.count('name="checked"') == 2
    citizen_page = people["citizen"].get("/cases/apply/bundle/T-HIRE/?food=no").content.decode()
    assert "data-check-all" not in citizen_page


def test_the_success_message_counts_cases_done_on_the_spot_and_cases_still_pending(people, catalog, media):
    ticket = hall_ticket()
    r = people["clerk"].post(f"/hall/tickets/{ticket.pk}/accept/?kind=bundle&code=T-HIRE&food=no", _window_form(),
                             follow=True)
    page = r.content.decode()
    assert "已受理 2 个办件：1 个即办件已当场办结，1 个转入部门审查" in page
    assert "即办件已当场办结，请打印" not in page


def test_the_console_shows_the_linked_application_by_its_number_as_a_link(people, catalog, media):
    from onewindow.hall.models import ClerkSession, Counter

    ticket = hall_ticket()
    people["clerk"].post(f"/hall/tickets/{ticket.pk}/accept/?kind=bundle&code=T-HIRE&food=no", _window_form())
    app = TicketApplication.objects.get().application
    counter = Counter.objects.create(hall=ticket.hall, number=1)
    counter.categories.add(ticket.category)
    from onewindow.core import clock
    ClerkSession.objects.create(counter=counter, clerk=people["clerk"].user, started_at=clock.now())
    Ticket.objects.filter(pk=ticket.pk).update(status="serving", counter=counter)
    page = people["clerk"].get("/hall/console/").content.decode()
    assert f'<a href="/cases/a/{app.number}/" data-testid="linked-application">{app.number}</a>' in page
    assert f"#{app.pk}" not in page
