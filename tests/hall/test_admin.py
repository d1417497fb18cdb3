"""Hall configuration written in the Django admin goes through the hall's setup service: every save and delete
leaves its audit entry; tickets and their history cannot be changed there."""

import datetime as dt

import pytest
from django.test import Client

from onewindow.core.audit import AuditEntry
from onewindow.hall.models import AppointmentSlot, HallCategory, Ticket
from tests.hall.conftest import WEDNESDAY, counter, issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(make_user) -> Client:
    user = make_user("hall_admin")
    user.is_staff = user.is_superuser = True
    user.save()
    client = Client()
    client.force_login(user)
    return client


def test_changing_a_counter_in_the_admin_is_audited_with_the_fields_changed(hall, admin_client):
    c = counter(hall, 1)
    social = HallCategory.objects.get(hall=hall, prefix="A")
    r = admin_client.post(f"/admin/hall/counter/{c.pk}/change/", {
        "hall": hall.pk, "number": 1, "name": "社会民生综合窗口", "kind": "comprehensive",
        "categories": [social.pk], "active": "on"})
    assert r.status_code == 302, r.content.decode()[:2000]
    c.refresh_from_db()
    assert c.name == "社会民生综合窗口"
    entry = AuditEntry.objects.get(action="hall.counter_update")
    assert entry.target_id == str(c.pk) and entry.detail == {"changed": ["name"]}


def test_deleting_slots_from_the_admin_list_is_audited_for_each(hall, admin_client):
    hc = HallCategory.objects.get(hall=hall, prefix="A")
    slots = [AppointmentSlot.objects.create(hall=hall, category=hc, date=WEDNESDAY, start=dt.time(h),
                                            end=dt.time(h, 30), capacity=2) for h in (10, 11)]
    r = admin_client.post("/admin/hall/appointmentslot/", {
        "action": "delete_selected", "_selected_action": [s.pk for s in slots], "post": "yes"})
    assert r.status_code == 302
    assert AppointmentSlot.objects.count() == 0
    assert sorted(AuditEntry.objects.filter(action="hall.appointmentslot_delete").values_list("target_id", flat=True)
                  ) == sorted(str(s.pk) for s in slots)


def test_tickets_are_read_only_in_the_admin(hall, frozen_morning, admin_client):
    t = issue(Client(), hall)
    assert admin_client.get(f"/admin/hall/ticket/{t['id']}/change/").status_code == 200  # shown …
    r = admin_client.post(f"/admin/hall/ticket/{t['id']}/change/", {"status": "finished"})
    assert r.status_code == 403  # … never changed
    assert admin_client.post(f"/admin/hall/ticket/{t['id']}/delete/", {"post": "yes"}).status_code == 403
    assert Ticket.objects.get(pk=t["id"]).status == "waiting"
