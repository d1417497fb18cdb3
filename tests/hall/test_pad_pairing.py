"""The counter rating pad is a paired device, and a ticket's rating link reaches only its holder.

Regression tests for the hole reproduced on the demo: `/hall/counters/<n>/pad/` needed no login and showed the
signed rating link of the ticket just finished, so looping over counter numbers let anyone file bad reviews
against named clerks."""

import datetime as dt
import re

import pytest
from django.test import Client

from onewindow.core import clock
from onewindow.core.access import Role
from onewindow.core.audit import AuditEntry
from onewindow.hall.models import Counter, PadDevice, Ticket
from tests.hall.conftest import act, at, call_next, counter, issue, pair_pad, pairing_path

pytestmark = pytest.mark.django_db


def _finish_one(hall, clerk: Client, items: str = "社会保障卡申领") -> dict:
    issue(Client(), hall)
    call_next(clerk)
    return act(clerk, "finish", {"items_handled": items})


def _pad_html(client: Client, c: Counter, **headers: str) -> str:
    response = client.get(f"/hall/counters/{c.pk}/pad/", headers=headers)
    assert response.status_code == 200
    return response.content.decode()


def test_an_unpaired_browser_gets_the_pair_this_device_page_and_never_a_rating_link(hall, clerk_at):
    with clock.frozen(at(10, 0)):
        clerk = clerk_at(counter(hall, 1))
        _finish_one(hall, clerk)
        stranger = Client()
        for c in Counter.objects.filter(hall=hall):  # looping over the counters finds nothing
            for html in (_pad_html(stranger, c), _pad_html(stranger, c, **{"HX-Request": "true"})):
                assert "/feedback/rate/" not in html and "A001" not in html
        assert "请配对本设备" in _pad_html(stranger, counter(hall, 1))
        api = stranger.get(f"/api/v1/counters/{counter(hall, 1).pk}/pad").json()
        assert api == {"paired": False, "prompt": None}
        assert "/feedback/rate/" not in _pad_html(clerk, counter(hall, 1))  # not the clerk's own browser either


def test_the_clerk_pairs_the_pad_from_the_console_and_only_the_paired_pad_shows_the_link(hall, clerk_at):
    with clock.frozen(at(10, 0)):
        clerk = clerk_at(counter(hall, 1))
        console = clerk.get("/hall/console/").content.decode()
        section = console[console.index('data-testid="pad-pairing"'):]
        assert "<svg" in section and "/hall/pads/pair/" in section  # the pairing address as QR code and link
        path = pairing_path(clerk, counter(hall, 1))
        pad = Client()
        confirm = pad.get(path)
        assert confirm.status_code == 200 and "确认配对" in confirm.content.decode()
        paired = pad.post(path)
        assert paired.status_code == 302
        cookie = paired.cookies["ow_pad"]
        assert cookie["httponly"] and cookie["samesite"] == "Lax" and int(cookie["max-age"]) == 90 * 86400
        device = PadDevice.objects.get()
        assert device.counter == counter(hall, 1) and device.paired_by == clerk.user  # type: ignore[attr-defined]
        assert cookie.value not in (device.secret_hash, device.pairing_nonce) and len(device.secret_hash) == 64
        assert AuditEntry.objects.filter(action="hall.pad_paired", target_id=str(device.pk)).exists()
        assert "/feedback/rate/" not in _pad_html(pad, counter(hall, 1))  # nothing finished yet
        _finish_one(hall, clerk)
        html = _pad_html(pad, counter(hall, 1))
        assert "A001" in html and "/feedback/rate/" in html
        assert pad.get(f"/api/v1/counters/{counter(hall, 1).pk}/pad").json()["prompt"]["number"] == "A001"
        # bound to its counter: the same device is not the pad of counter 2
        assert "请配对本设备" in _pad_html(pad, counter(hall, 2))


def test_a_pairing_address_works_once_and_expires(hall, clerk_at):
    with clock.frozen(at(10, 0)):
        clerk = clerk_at(counter(hall, 1))
        path = pairing_path(clerk, counter(hall, 1))
        assert Client().post(path).status_code == 302
        again = Client().post(path)
        assert again.status_code == 409 and "已经使用过" in again.content.decode()
        late = pairing_path(clerk, counter(hall, 1))
    with clock.frozen(at(10, 11)):
        assert Client().post(late).status_code == 404
        assert Client().get("/hall/pads/pair/forged:code/").status_code == 404
    assert PadDevice.objects.count() == 1


def test_only_the_clerk_of_that_counter_or_an_administrator_pairs_and_not_from_a_staff_browser(hall, clerk_at,
                                                                                             client_for):
    with clock.frozen(at(10, 0)):
        mine = clerk_at(counter(hall, 1))
        other = clerk_at(counter(hall, 2))
        assert other.get(f"/hall/counters/{counter(hall, 1).pk}/pads/").status_code == 403
        assert client_for(Role.CLERK).get(f"/hall/counters/{counter(hall, 1).pk}/pads/").status_code == 403
        assert client_for(Role.CITIZEN).get(f"/hall/counters/{counter(hall, 1).pk}/pads/").status_code == 403
        assert Client().get(f"/hall/counters/{counter(hall, 1).pk}/pads/").status_code == 302  # to the login page
        for admin in (client_for(Role.SUPERVISOR), client_for(Role.CATALOG_ADMIN)):
            pair_pad(admin, counter(hall, 5))  # asserts the pad was paired and sent to its page
        assert PadDevice.objects.filter(counter=counter(hall, 5)).count() == 2
        path = pairing_path(mine, counter(hall, 1))
        refused = other.post(path)  # a browser signed in as staff is not a pad
        assert refused.status_code == 403 and "ow_pad" not in refused.cookies
        assert PadDevice.objects.filter(counter=counter(hall, 1)).count() == 0
        # the code dies with the clerk's session at that counter
        mine.post("/api/v1/clerk/sign-out")
        assert Client().post(path).status_code == 404


def test_a_revoked_or_expired_pad_shows_no_link(hall, clerk_at, client_for):
    with clock.frozen(at(10, 0)):
        clerk = clerk_at(counter(hall, 1))
        pad, spare = pair_pad(clerk, counter(hall, 1)), pair_pad(clerk, counter(hall, 1))
        _finish_one(hall, clerk)
        assert "/feedback/rate/" in _pad_html(pad, counter(hall, 1))
        listing = clerk.get(f"/hall/counters/{counter(hall, 1).pk}/pads/").content.decode()
        assert listing.count("使用中") == 2
        device = PadDevice.objects.order_by("id").first()
        assert client_for(Role.CLERK).post(f"/hall/counters/{counter(hall, 1).pk}/pads/",
                                           {"device": device.pk}).status_code == 403
        assert clerk.post(f"/hall/counters/{counter(hall, 1).pk}/pads/", {"device": device.pk}).status_code == 302
        device.refresh_from_db()
        assert device.revoked_at is not None and device.revoked_by == clerk.user  # type: ignore[attr-defined]
        assert "请配对本设备" in _pad_html(pad, counter(hall, 1))
        assert "/feedback/rate/" in _pad_html(spare, counter(hall, 1))
    with clock.frozen(at(10, 0) + dt.timedelta(days=91)):
        assert "请配对本设备" in _pad_html(spare, counter(hall, 1))


# ------------------------------------------------------------------ the holder's own pages


def test_counter_actions_do_not_hand_the_clerk_the_holders_ticket_token(hall, clerk_at):
    with clock.frozen(at(10, 0)):
        holder = issue(Client(), hall)
        assert holder["token"] and holder["follow_url"].endswith(f"/hall/t/{holder['token']}/")
        clerk = clerk_at(counter(hall, 1))
        called = call_next(clerk)
        assert called["number"] == holder["number"] and called["token"] == "" and called["follow_url"] == ""
        for action in ("recall", "start", "finish"):
            out = act(clerk, action)
            assert out["token"] == "" and out["follow_url"] == ""
        console = clerk.get("/hall/console/").content.decode()
        assert holder["token"] not in console


def test_the_follow_page_offers_the_holder_the_rating_link_once_the_ticket_is_finished(hall, clerk_at):
    with clock.frozen(at(10, 0)):
        holder = Client()
        t = issue(holder, hall)
        follow = f"/hall/t/{t['token']}/"
        assert "/feedback/rate/" not in holder.get(follow).content.decode()
        clerk = clerk_at(counter(hall, 1))
        call_next(clerk)
        act(clerk, "finish")
        page = holder.get(follow)
        assert 'data-testid="follow-rate"' in page.content.decode() and page["Referrer-Policy"] == "no-referrer"
        rate = re.search(r'href="(/feedback/rate/[^"]+)"', page.content.decode()).group(1)
        assert Client().post(rate, {"level": "very_satisfied", "identity": "anonymous"}).status_code == 200
        assert "/feedback/rate/" not in clerk.get(follow).content.decode()  # never on a staff member's screen


def test_the_printed_ticket_shows_only_to_the_kiosk_session_that_issued_it_and_briefly(hall):
    kiosk = Client()
    with clock.frozen(at(10, 0)):
        r = kiosk.post(f"/hall/{hall.code}/kiosk/", {"category": "social"})
        assert kiosk.get(r["Location"]).status_code == 200
        assert Client().get(r["Location"]).status_code == 404  # another browser with the address
        nxt = kiosk.post(f"/hall/{hall.code}/kiosk/", {"category": "social"})
        assert kiosk.get(r["Location"]).status_code == 404  # going back in the kiosk's history
        assert kiosk.get(nxt["Location"]).status_code == 200
    with clock.frozen(at(10, 4)):
        assert kiosk.get(nxt["Location"]).status_code == 404
    assert Ticket.objects.count() == 2
