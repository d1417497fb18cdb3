"""Time-bank holes reproduced over HTTP on the demo, each closed and kept closed.

1. Self-dealing: requester, taker and confirmer are different people; minutes above the menu item's suggested
   time wait for another community worker's approval; the ledger (service and database) refuses a transfer that
   debits and credits the same member.
2. No hours before the service date: "done" and "confirm" are refused before it.
3. Order details (and the other community records taken by id) are 404 for people not involved.
4. Idempotency keys are scoped to the submitter and bound to the request body.
5. Lying for gain: someone else's account, someone else's attendance, absurd minute values.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client

from onewindow.community.models import Account, Entry, Member, Order, OrderEvent, Transfer
from onewindow.community.services import ledger, members, organisation, proposals, theme_events
from onewindow.core import clock
from onewindow.core.access import Role
from onewindow.core.errors import ServiceError

from .builders import a_user, signed_in
from .conftest import World

pytestmark = pytest.mark.django_db

API = "/api/v1/community"
DAY = dt.datetime(2026, 3, 2, 9)  # a Monday, 09:00 Asia/Shanghai


def _post(client: Client, url: str, body: dict[str, Any] | None = None, **headers: str) -> Any:
    return client.post(url, body or {}, content_type="application/json", headers=headers or None)


def _place(client: Client, world: World, *, kind: str = "community", days_ahead: int = 0, **extra: Any) -> dict:
    body = {"menu_item_id": world.menu.pk, "compound_id": world.compounds[0].pk,
            "service_date": (clock.today() + dt.timedelta(days=days_ahead)).isoformat(), "requester_kind": kind,
            "description": "为浅水湾小区老人测血压", **extra}
    response = _post(client, f"{API}/orders", body)
    assert response.status_code == 201, response.content
    return response.json()


def _balance(member: Member) -> int:
    return Account.objects.get(member=member).balance


def _grant(member: Member, minutes: int, key: str) -> None:
    ledger.transfer_post(kind=Transfer.Kind.GRANT, reason="期初拨付", idempotency_key=key,
                           legs=[(ledger.bank_account(), -minutes), (ledger.account_for_member(member), minutes)])


@pytest.fixture
def worker_volunteer(world: World) -> tuple[Client, Member]:
    """Someone who is both a community worker and a party-member volunteer (with a member record)."""
    user = a_user("both", Role.COMMUNITY_WORKER, Role.VOLUNTEER)
    member = members.member_create(name="党员兼社工", category=Member.Category.IN_SERVICE, employer=world.employer,
                                    home_compound=world.compounds[0], user=user, actor=None)
    return signed_in(user), member


@pytest.fixture
def second_worker(db: None) -> Client:
    return signed_in(a_user("worker_b", Role.COMMUNITY_WORKER))


# ====================================================================== 1. self-dealing


def test_a_volunteer_cannot_take_the_order_they_placed_themselves(world, make_volunteer) -> None:
    volunteer, member = make_volunteer("fang")
    teammate, mate = make_volunteer("mate")
    world.team.members.add(member, mate)
    with clock.frozen(DAY):
        order = _place(volunteer, world, kind="resident")
        url = f"{API}/orders/{order['id']}/take"
        taken = _post(volunteer, url)
        assert taken.status_code == 403 and taken.json()["errors"][0]["field"] == "order"
        assert _post(volunteer, url, {"team_id": world.team.pk}).status_code == 403
        volunteer.post(f"/community/orders/{order['id']}/take/")  # nor from the page
        # nor through a team they belong to, whoever of the team takes it
        for_team = _post(teammate, url, {"team_id": world.team.pk})
        assert for_team.status_code == 403 and for_team.json()["errors"][0]["field"] == "team"
        assert Order.objects.get(pk=order["id"]).status == Order.Status.OPEN
        assert _post(teammate, url).status_code == 200  # the teammate alone: the requester gains nothing
    assert Transfer.objects.count() == 0 and _balance(member) == 0


def test_the_taker_can_never_confirm_their_own_order_even_as_a_community_worker(world, worker,
                                                                              worker_volunteer) -> None:
    both, member = worker_volunteer
    with clock.frozen(DAY):
        order = _place(worker, world)  # another worker placed it for the community
        base = f"{API}/orders/{order['id']}"
        assert _post(both, f"{base}/take").status_code == 200
        assert _post(both, f"{base}/done").status_code == 200
        confirm = _post(both, f"{base}/confirm", {"minutes": 60, "rating": 5})
        assert confirm.status_code == 403 and confirm.json()["errors"][0]["field"] == "order"
        both.post(f"/community/orders/{order['id']}/confirm/", {"minutes": "60", "rating": "5"})
        # settling a dispute about their own order is refused too
        assert _post(worker, f"{base}/dispute", {"reason": "时长有出入"}).status_code == 200
        resolve = _post(both, f"{base}/resolve", {"minutes": 60, "note": "按60分钟认定"})
        assert resolve.status_code == 403
    assert Order.objects.get(pk=order["id"]).status == Order.Status.DISPUTED
    assert _balance(member) == 0 and not Transfer.objects.filter(kind="order_credit").exists()


def test_minutes_above_the_suggested_time_wait_for_another_community_workers_approval(
        world, worker, second_worker, citizen_client, make_volunteer) -> None:
    volunteer, member = make_volunteer("fang")
    bound = world.menu.suggested_minutes  # 120
    with clock.frozen(DAY):
        order = _place(citizen_client, world, kind="resident")
        base = f"{API}/orders/{order['id']}"
        _post(volunteer, f"{base}/take")
        _post(volunteer, f"{base}/done")
        too_long = _post(citizen_client, f"{base}/confirm", {"minutes": 1440, "rating": 5})
        assert too_long.status_code == 200
        pending = too_long.json()
        assert pending["status"] == "pending" and pending["claimed_minutes"] == 1440 and pending["minutes"] is None
        assert _balance(member) == 0 and not Transfer.objects.filter(order_id=order["id"]).exists()
        # the resident, the taker and a volunteer cannot approve; a worker approves within bound..claim
        assert _post(citizen_client, f"{base}/approve", {"minutes": 1440}).status_code == 403
        assert _post(volunteer, f"{base}/approve", {"minutes": 1440}).status_code == 403
        outside = _post(worker, f"{base}/approve", {"minutes": bound - 1})
        assert outside.status_code == 400 and outside.json()["errors"][0]["field"] == "minutes"
        assert _post(worker, f"{base}/approve", {"minutes": 1441}).status_code == 400
        approved = _post(worker, f"{base}/approve", {"minutes": bound, "note": "按建议时长认定"})
        assert approved.status_code == 200, approved.content
        assert approved.json()["status"] == "confirmed" and approved.json()["minutes"] == bound
        assert _post(second_worker, f"{base}/approve", {"minutes": 1440}).status_code == 409
    assert _balance(member) == bound
    assert [e.action for e in OrderEvent.objects.filter(order_id=order["id"])] == [
        "place", "take", "done", "confirm", "approve"]
    assert Transfer.objects.filter(order_id=order["id"]).count() == 1


def test_a_worker_cannot_approve_the_figure_they_confirmed_themselves(world, worker, second_worker,
                                                                     make_volunteer) -> None:
    volunteer, member = make_volunteer("fang")
    with clock.frozen(DAY):
        order = _place(worker, world)
        base = f"{API}/orders/{order['id']}"
        _post(volunteer, f"{base}/take")
        _post(volunteer, f"{base}/done")
        assert _post(worker, f"{base}/confirm", {"minutes": 200, "rating": 5}).json()["status"] == "pending"
        own = _post(worker, f"{base}/approve", {"minutes": 200})
        assert own.status_code == 403 and own.json()["errors"][0]["field"] == "order"
        assert _balance(member) == 0
        # the page shows the claim and a worker who did not confirm it approves the higher figure
        page = second_worker.get(f"/community/orders/{order['id']}/").content.decode()
        assert "200" in page and 'name="minutes"' in page
        second_worker.post(f"/community/orders/{order['id']}/approve/", {"minutes": "200", "note": "确有加时"})
    assert Order.objects.get(pk=order["id"]).minutes == 200 and _balance(member) == 200


def test_within_the_suggested_time_the_confirmation_credits_at_once(world, worker, make_volunteer) -> None:
    volunteer, member = make_volunteer("fang")
    with clock.frozen(DAY):
        order = _place(worker, world)
        base = f"{API}/orders/{order['id']}"
        _post(volunteer, f"{base}/take")
        _post(volunteer, f"{base}/done")
        confirmed = _post(worker, f"{base}/confirm", {"minutes": 120, "rating": 4}).json()
    assert confirmed["status"] == "confirmed" and confirmed["minutes"] == 120 and _balance(member) == 120


def test_the_ledger_service_refuses_debiting_and_crediting_the_same_member(world, make_volunteer) -> None:
    _c, member = make_volunteer("fang")
    _grant(member, 100, "grant-1")
    mine, bank = ledger.account_for_member(member), ledger.bank_account()
    with pytest.raises(ServiceError) as exc:
        ledger.transfer_post(kind=Transfer.Kind.GRANT, reason="左手倒右手", idempotency_key="self-1",
                               legs=[(mine, -50), (mine, 60), (bank, -10)])
    assert exc.value.problems[0].field == "entries"
    assert Transfer.objects.count() == 1 and _balance(member) == 100


def _raw_transfer(key: str) -> Transfer:
    return Transfer.objects.create(kind="grant", reason="直接写库", created_at="2026-01-01T00:00:00Z",
                                   idempotency_key=key)


def test_the_database_refuses_an_entry_pair_on_the_same_member_written_directly(world, make_volunteer) -> None:
    _c, member = make_volunteer("fang")
    account = ledger.account_for_member(member)
    with pytest.raises(IntegrityError, match="same member"), transaction.atomic():
        transfer = _raw_transfer("raw-self")
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO community_entry (transfer_id, account_id, amount) VALUES (%s, %s, %s), "
                           "(%s, %s, %s)", [transfer.pk, account.pk, -60, transfer.pk, account.pk, 60])
    with pytest.raises(IntegrityError, match="same member"), transaction.atomic():
        transfer = _raw_transfer("raw-self-2")
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO community_entry (transfer_id, account_id, amount) VALUES (%s, %s, %s)",
                           [transfer.pk, account.pk, 60])
            cursor.execute("INSERT INTO community_entry (transfer_id, account_id, amount) VALUES (%s, %s, %s)",
                           [transfer.pk, account.pk, -60])
    assert not Entry.objects.filter(account=account).exists()
    # two different members in one direct write are accepted: the trigger looks at owners, not at the path
    _c2, other = make_volunteer("lin")
    with transaction.atomic():
        transfer = _raw_transfer("raw-ok")
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO community_entry (transfer_id, account_id, amount) VALUES (%s, %s, %s), "
                           "(%s, %s, %s)", [transfer.pk, account.pk, -60, transfer.pk,
                                            ledger.account_for_member(other).pk, 60])
    assert Entry.objects.filter(transfer__idempotency_key="raw-ok").count() == 2


# ====================================================================== 2. not before the service date


def test_an_order_dated_ahead_cannot_be_marked_done_or_confirmed_before_that_day(world, worker,
                                                                               make_volunteer) -> None:
    volunteer, member = make_volunteer("fang")
    with clock.frozen(DAY):
        order = _place(worker, world, days_ahead=3)
        base = f"{API}/orders/{order['id']}"
        assert _post(volunteer, f"{base}/take").status_code == 200
        early = _post(volunteer, f"{base}/done")
        assert early.status_code == 409 and early.json()["errors"][0]["field"] == "service_date"
        volunteer.post(f"/community/orders/{order['id']}/done/")
        assert Order.objects.get(pk=order["id"]).status == Order.Status.TAKEN
        # an order already marked done early (before this rule) still cannot be confirmed early
        Order.objects.filter(pk=order["id"]).update(status=Order.Status.DONE)
        confirm = _post(worker, f"{base}/confirm", {"minutes": 60, "rating": 5})
        assert confirm.status_code == 409 and confirm.json()["errors"][0]["field"] == "service_date"
        Order.objects.filter(pk=order["id"]).update(status=Order.Status.TAKEN)
    assert _balance(member) == 0 and not Transfer.objects.exists()
    with clock.frozen(DAY + dt.timedelta(days=3)):
        assert _post(volunteer, f"{base}/done").status_code == 200
        assert _post(worker, f"{base}/confirm", {"minutes": 60, "rating": 5}).json()["status"] == "confirmed"
    assert _balance(member) == 60


# ====================================================================== 3. who may read an order


def test_order_details_are_404_for_anyone_not_involved(world, worker, client_for, make_volunteer) -> None:
    volunteer, member = make_volunteer("fang")
    teammate, mate = make_volunteer("team_mate")
    stranger, _s = make_volunteer("stranger")
    world.team.members.add(member, mate)
    resident = client_for(Role.CITIZEN)
    other_citizen = client_for(Role.CITIZEN)
    supervisor = client_for(Role.SUPERVISOR)
    with clock.frozen(DAY):
        order = _place(resident, world, kind="resident")
        oid = order["id"]
        _post(volunteer, f"{API}/orders/{oid}/take", {"team_id": world.team.pk})
    allowed = {"requester": resident, "taker": volunteer, "team member": teammate, "worker": worker,
               "supervisor": supervisor}
    for who, client in allowed.items():
        assert client.get(f"{API}/orders/{oid}").status_code == 200, who
        assert client.get(f"/community/orders/{oid}/").status_code == 200, who
    for who, client in {"other citizen": other_citizen, "other volunteer": stranger}.items():
        api = client.get(f"{API}/orders/{oid}")
        assert api.status_code == 404, who
        assert api.json() == client.get(f"{API}/orders/987654").json()  # same answer as an order that is not there
        assert client.get(f"/community/orders/{oid}/").status_code == 404, who
        for action in ("done", "confirm", "dispute", "cancel", "take"):
            body = {"reason": "x", "minutes": 60, "rating": 5}
            real, missing = (_post(client, f"{API}/orders/{n}/{action}", body) for n in (oid, 987654))
            assert real.status_code == missing.status_code and real.status_code in (403, 404), (who, action)
            assert client.post(f"/community/orders/{oid}/{action}/", {"reason": "x"}).status_code == 404
    assert Order.objects.get(pk=oid).status == Order.Status.TAKEN


def test_an_open_order_on_the_board_shows_volunteers_no_requester_details(world, client_for,
                                                                          make_volunteer) -> None:
    volunteer, _m = make_volunteer("fang")
    resident = client_for(Role.CITIZEN)
    resident.user.profile.display_name = "陈雅琴"
    resident.user.profile.save()
    with clock.frozen(DAY):
        order = _place(resident, world, kind="resident")
    board = volunteer.get(f"{API}/orders/{order['id']}")
    assert board.status_code == 200 and "events" not in board.json()
    page = volunteer.get(f"/community/orders/{order['id']}/").content.decode()
    assert "陈雅琴" not in page and "接单" in page
    assert client_for(Role.CITIZEN).get(f"{API}/orders/{order['id']}").status_code == 404


def test_another_members_account_and_report_in_answer_404_like_a_missing_one(world, make_volunteer) -> None:
    client, member = make_volunteer("fang")
    _c, other = make_volunteer("lin")
    for url in (f"{API}/accounts/{other.account.pk}", f"{API}/accounts/{other.account.pk}/statement"):
        assert client.get(url).status_code == 404
    for member_id in (other.pk, 987654):
        report = _post(client, f"{API}/members/{member_id}/report-in")
        assert report.status_code == 404 and report.json()["errors"][0]["field"] == "member_id"
    other.refresh_from_db()
    assert other.reported_at is None


# ====================================================================== 4. idempotency keys


def test_the_same_key_with_a_different_body_is_a_conflict_and_moves_nothing(world, make_volunteer) -> None:
    client, giver = make_volunteer("fang")
    _c, receiver = make_volunteer("lin")
    _grant(giver, 100, "grant-1")
    url = f"{API}/transfers/donation"
    first = _post(client, url, {"receiver_member_id": receiver.pk, "minutes": 10}, **{"Idempotency-Key": "k-1"})
    same = _post(client, url, {"receiver_member_id": receiver.pk, "minutes": 10}, **{"Idempotency-Key": "k-1"})
    other = _post(client, url, {"receiver_member_id": receiver.pk, "minutes": 90}, **{"Idempotency-Key": "k-1"})
    assert first.status_code == same.status_code == 200 and first.json()["id"] == same.json()["id"]
    assert other.status_code == 409 and other.json()["errors"][0]["field"] == "Idempotency-Key"
    redeem = _post(client, f"{API}/transfers/redemption", {"minutes": 10, "purpose": "reward", "note": "x"},
                   **{"Idempotency-Key": "k-1"})
    assert redeem.status_code == 409
    assert (_balance(giver), _balance(receiver)) == (90, 10)


def test_another_persons_key_finds_nothing_of_theirs(world, make_volunteer) -> None:
    alice, a = make_volunteer("alice")
    bob, b = make_volunteer("bob")
    _c, receiver = make_volunteer("carol")
    _grant(a, 100, "grant-a")
    _grant(b, 100, "grant-b")
    url = f"{API}/transfers/donation"
    first = _post(alice, url, {"receiver_member_id": receiver.pk, "minutes": 10}, **{"Idempotency-Key": "shared"})
    second = _post(bob, url, {"receiver_member_id": receiver.pk, "minutes": 10}, **{"Idempotency-Key": "shared"})
    assert first.status_code == second.status_code == 200 and first.json()["id"] != second.json()["id"]
    # the web form's hidden key is scoped the same way: Bob's form with Alice's key makes Bob's own donation
    alice.post("/community/me/donate/", {"receiver": receiver.pk, "minutes": "5", "idem": "form-1"})
    bob.post("/community/me/donate/", {"receiver": receiver.pk, "minutes": "5", "idem": "form-1"})
    assert (_balance(a), _balance(b), _balance(receiver)) == (85, 85, 30)


def test_the_web_forms_key_is_bound_to_what_was_submitted(world, make_volunteer) -> None:
    client, member = make_volunteer("fang")
    _c, receiver = make_volunteer("lin")
    _grant(member, 100, "grant-1")
    client.post("/community/me/donate/", {"receiver": receiver.pk, "minutes": "10", "idem": "f-1"})
    client.post("/community/me/donate/", {"receiver": receiver.pk, "minutes": "10", "idem": "f-1"})  # double click
    changed = client.post("/community/me/donate/", {"receiver": receiver.pk, "minutes": "50", "idem": "f-1"},
                          follow=True)
    assert "幂等键" in changed.content.decode()
    client.post("/community/me/redeem/", {"minutes": "20", "purpose": "reward", "note": "纪念品", "idem": "f-2"})
    client.post("/community/me/redeem/", {"minutes": "30", "purpose": "reward", "note": "纪念品", "idem": "f-2"})
    missing = client.post("/community/me/redeem/", {"minutes": "5", "purpose": "reward", "note": "x"}, follow=True)
    assert missing.status_code == 200
    assert (_balance(member), _balance(receiver)) == (70, 10)
    assert Transfer.objects.filter(kind__in=["donation", "redemption"]).count() == 2


# ====================================================================== 5. lying for gain


def test_nobody_redeems_or_donates_from_someone_elses_account(world, worker, make_volunteer) -> None:
    client, member = make_volunteer("fang")
    _c, victim = make_volunteer("lin")
    _grant(member, 100, "grant-1")
    _grant(victim, 100, "grant-2")
    theirs = _post(client, f"{API}/transfers/redemption",
                   {"minutes": 50, "purpose": "reward", "note": "x", "member_id": victim.pk},
                   **{"Idempotency-Key": "r-1"})
    assert theirs.status_code == 403 and theirs.json()["errors"][0]["field"] == "member_id"
    by_worker = _post(worker, f"{API}/transfers/redemption",
                      {"minutes": 50, "purpose": "reward", "note": "x", "member_id": victim.pk},
                      **{"Idempotency-Key": "r-2"})
    assert by_worker.status_code in (403, 404)
    # donation: the giver is always the caller, whatever the body says
    _post(client, f"{API}/transfers/donation", {"receiver_member_id": member.pk, "minutes": 50, "giver": victim.pk},
          **{"Idempotency-Key": "d-1"})
    assert (_balance(member), _balance(victim)) == (100, 100)


def test_a_worker_cannot_record_their_own_attendance_for_credit(world, worker_volunteer) -> None:
    both, member = worker_volunteer
    event = _post(both, f"{API}/events", {"community_id": world.east.pk, "title": "主题党日", "capacity": 5,
                                          "date": "2026-03-15", "credit_minutes": 120}).json()
    _post(both, f"{API}/events/{event['id']}/signup")
    own = _post(both, f"{API}/events/{event['id']}/attendance", {"member_ids": [member.pk]})
    assert own.status_code == 403 and own.json()["errors"][0]["field"] == "member_ids"
    _post(both, f"{API}/events/{event['id']}/close")
    assert _balance(member) == 0


def test_a_resident_places_orders_only_in_their_own_name(world, client_for) -> None:
    resident = client_for(Role.CITIZEN)
    with clock.frozen(DAY):
        order = _place(resident, world, kind="resident", requester_name="林书记")
    assert Order.objects.get(pk=order["id"]).requester_name == resident.user.profile.display_name


BIG = 2**62  # fits the 64-bit JSON integers the edge lets through, overflows every 32-bit column


@pytest.mark.parametrize("url,body", [
    ("transfers/donation", {"receiver_member_id": "{other}", "minutes": -30}),
    ("transfers/donation", {"receiver_member_id": "{other}", "minutes": BIG}),
    ("transfers/redemption", {"minutes": -30, "purpose": "reward", "note": "x"}),
    ("transfers/redemption", {"minutes": BIG, "purpose": "reward", "note": "x"}),
    ("transfers/redemption", {"minutes": 5, "purpose": "reward", "note": "x", "member_id": BIG}),
    ("events/{event}/attendance", {"member_ids": [BIG, -1]}),
    ("events", {"community_id": "{community}", "title": "x", "date": "2026-03-15", "capacity": BIG}),
    ("events", {"community_id": "{community}", "title": "x", "date": "2026-03-15", "credit_minutes": -BIG}),
    ("proposals/{proposal}/advance", {"step": "decide", "text": "x", "votes_for": BIG}),
    ("proposals/{proposal}/advance", {"step": "decide", "text": "x", "votes_for": 1, "votes_against": -5}),
    ("orders/{order}/resolve", {"minutes": -60, "note": "x"}),
    ("orders/{order}/resolve", {"minutes": BIG, "note": "x"}),
    ("orders/{order}/confirm", {"minutes": BIG, "rating": 5}),
    ("orders/{order}/take", {"team_id": BIG}),
])
def test_negative_or_huge_numbers_answer_a_4xx_naming_the_field_never_500(
        url, body, world, worker_volunteer, make_volunteer) -> None:
    both, member = worker_volunteer
    _c, other = make_volunteer("lin")
    _grant(member, 100, "grant-1")
    organisation.partyorg_create(kind="compound_branch", name="浅水湾小区党支部", compounds=[world.compounds[0]], actor=None)
    proposal = proposals.proposal_create(compound=world.compounds[0], topic="other", title="t", content="c",
                                        actor=None)
    proposals.proposal_advance(proposal=proposal, step="deliberate", text="商议", actor=None)
    event = theme_events.event_create(community=world.east, title="活动", date=dt.date(2026, 3, 15), actor=None)
    order = Order.objects.get(pk=_place(both, world)["id"])
    ids = {"other": other.pk, "community": world.east.pk, "event": event.pk, "proposal": proposal.pk,
           "order": order.pk}
    body = {k: (int(v.format(**ids)) if isinstance(v, str) and v.startswith("{") else v) for k, v in body.items()}
    client = Client(raise_request_exception=False)
    client.force_login(both.user)  # type: ignore[attr-defined]
    response = _post(client, f"{API}/{url.format(**ids)}", body, **{"Idempotency-Key": "n-1"})
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])
    assert response.json()["errors"], response.content
    assert _balance(member) == 100 and _balance(other) == 0
