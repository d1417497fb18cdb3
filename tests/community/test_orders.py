
import pytest
from django.test import Client

from onewindow.community.models import Account, Order, OrderEvent, Transfer
from onewindow.core import clock

pytestmark = pytest.mark.django_db


def _place(worker: Client, world, **extra) -> dict:
    # dated today: "done" and "confirm" are refused before the service date (see test_security.py)
    body = {"menu_item_id": world.menu.pk, "compound_id": world.compounds[0].pk,
            "service_date": clock.today().isoformat(), "requester_kind": "community",
            "description": "为浅水湾小区老人测血压", **extra}
    response = worker.post("/api/v1/community/orders", body, content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()


def _post(client: Client, url: str, body: dict | None = None):
    return client.post(url, body or {}, content_type="application/json")


def test_an_order_goes_from_placed_to_credited_and_the_taker_earns_the_minutes(world, worker, make_volunteer) -> None:
    volunteer, member = make_volunteer("fang")
    order = _place(worker, world)
    assert order["status"] == "open" and order["number"].startswith("SJ")
    base = f"/api/v1/community/orders/{order['id']}"

    assert _post(volunteer, f"{base}/take").json()["status"] == "taken"
    assert _post(volunteer, f"{base}/done", {"note": "测量32人"}).json()["status"] == "done"
    # within the menu item's suggested 120 minutes: credited at once (above it waits for approval)
    confirmed = _post(worker, f"{base}/confirm", {"minutes": 110, "rating": 5, "note": "服务周到"}).json()

    assert confirmed["status"] == "confirmed" and confirmed["minutes"] == 110 and confirmed["rating"] == 5
    assert [e["action"] for e in confirmed["events"]] == ["place", "take", "done", "confirm"]
    me = volunteer.get("/api/v1/community/accounts/me").json()
    assert me["balance"] == 110
    assert me["statement"][0]["amount"] == 110 and me["statement"][0]["kind"] == "order_credit"
    community_account = Account.objects.get(community=world.compounds[0].community)
    assert community_account.balance == -110
    assert Transfer.objects.filter(order_id=order["id"], kind="order_credit").count() == 1


def test_illegal_steps_are_refused_with_a_clear_conflict_and_change_nothing(world, worker, make_volunteer) -> None:
    volunteer, _member = make_volunteer("fang")
    other, _ = make_volunteer("lin")
    order = _place(worker, world)
    base = f"/api/v1/community/orders/{order['id']}"

    response = _post(worker, f"{base}/confirm", {"minutes": 60, "rating": 5})
    assert response.status_code == 409
    assert "待接单" in response.json()["detail"] and response.json()["errors"][0]["field"] == "status"
    assert _post(volunteer, f"{base}/done").status_code == 403  # not the taker yet
    assert _post(volunteer, f"{base}/take").status_code == 200
    # once taken, the order is no longer on the board: to anyone not involved it answers 404, like a missing one
    taken_twice = _post(other, f"{base}/take")
    assert taken_twice.status_code == 404 and taken_twice.json()["errors"][0]["field"] == "order_id"
    assert _post(other, f"{base}/done").status_code == 404  # only the taker marks it done
    assert _post(volunteer, f"{base}/done").status_code == 200
    assert _post(volunteer, f"{base}/done").status_code == 409
    bad = _post(worker, f"{base}/confirm", {"minutes": 0, "rating": 9})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "minutes"
    assert _post(volunteer, f"{base}/confirm", {"minutes": 60, "rating": 5}).status_code == 403  # not the requester
    assert _post(worker, f"{base}/confirm", {"minutes": 60, "rating": 5}).status_code == 200
    again = _post(worker, f"{base}/confirm", {"minutes": 60, "rating": 5})
    assert again.status_code == 409 and "已确认记时" in again.json()["detail"]
    assert _post(worker, f"{base}/cancel", {"reason": "晚了"}).status_code == 409
    assert Transfer.objects.filter(order_id=order["id"]).count() == 1
    assert OrderEvent.objects.filter(order_id=order["id"]).count() == 4


def test_a_disputed_order_is_settled_by_a_community_worker(world, worker, make_volunteer) -> None:
    volunteer, member = make_volunteer("fang")
    first, second = _place(worker, world), _place(worker, world)
    for order in (first, second):
        base = f"/api/v1/community/orders/{order['id']}"
        _post(volunteer, f"{base}/take")
        _post(volunteer, f"{base}/done")
        assert _post(worker, f"{base}/dispute", {"reason": ""}).status_code == 400
        assert _post(worker, f"{base}/dispute", {"reason": "实际服务时长不足"}).json()["status"] == "disputed"
        assert _post(volunteer, f"{base}/resolve", {"minutes": 60, "note": "x"}).status_code == 403

    settled = _post(worker, f"/api/v1/community/orders/{first['id']}/resolve", {"minutes": 60, "note": "按60分钟认定"})
    rejected = _post(worker, f"/api/v1/community/orders/{second['id']}/resolve", {"minutes": 0, "note": "未实际服务"})

    assert settled.json()["status"] == "confirmed" and rejected.json()["status"] == "rejected"
    member.account.refresh_from_db()
    assert member.account.balance == 60


def test_orders_can_be_cancelled_before_they_are_done_and_a_team_can_take_them(world, worker,
                                                                              make_volunteer) -> None:
    volunteer, member = make_volunteer("fang")
    world.team.members.add(member)
    order = _place(worker, world)
    base = f"/api/v1/community/orders/{order['id']}"
    assert _post(worker, f"{base}/cancel", {"reason": ""}).status_code == 400
    assert _post(worker, f"{base}/cancel", {"reason": "天气原因改期"}).json()["status"] == "cancelled"
    assert _post(volunteer, f"{base}/take").status_code == 404  # off the board: 404 to anyone not involved

    team_order = _place(worker, world)
    base = f"/api/v1/community/orders/{team_order['id']}"
    assert _post(volunteer, f"{base}/take", {"team_id": world.team.pk}).json()["taker_team_id"] == world.team.pk
    _post(volunteer, f"{base}/done")
    _post(worker, f"{base}/confirm", {"minutes": 90, "rating": 4})
    assert Account.objects.get(team=world.team).balance == 90


def test_placing_an_order_checks_its_fields(world, worker, citizen_client) -> None:
    past = _post(worker, "/api/v1/community/orders", {
        "menu_item_id": world.menu.pk, "compound_id": world.compounds[0].pk, "service_date": "2020-01-01",
        "requester_kind": "community"})
    assert past.status_code == 400 and past.json()["errors"][0]["field"] == "service_date"
    missing = _post(worker, "/api/v1/community/orders", {"menu_item_id": 999, "compound_id": world.compounds[0].pk,
                                                         "service_date": "2030-01-01"})
    assert missing.status_code == 404 and missing.json()["errors"][0]["field"] == "menu_item_id"
    as_community = _post(citizen_client, "/api/v1/community/orders", {
        "menu_item_id": world.menu.pk, "compound_id": world.compounds[0].pk, "service_date": "2030-01-01",
        "requester_kind": "community"})
    assert as_community.status_code == 403
    resident = _post(citizen_client, "/api/v1/community/orders", {
        "menu_item_id": world.menu.pk, "compound_id": world.compounds[0].pk, "service_date": "2030-01-01",
        "requester_kind": "resident"})
    assert resident.status_code == 201
    assert Order.objects.get(pk=resident.json()["id"]).payer.kind == Account.Kind.BANK
    assert Order.objects.count() == 1


def test_a_resident_confirms_their_own_order_and_the_bank_pays(world, citizen_client, make_volunteer) -> None:
    volunteer, member = make_volunteer("fang")
    order = _place(citizen_client, world, requester_kind="resident")
    base = f"/api/v1/community/orders/{order['id']}"
    _post(volunteer, f"{base}/take")
    _post(volunteer, f"{base}/done")
    assert _post(citizen_client, f"{base}/confirm", {"minutes": 45, "rating": 5}).status_code == 200
    assert Account.objects.get(kind=Account.Kind.BANK).balance == -45
    member.account.refresh_from_db()
    assert member.account.balance == 45
