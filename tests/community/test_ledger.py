import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Sum
from django.test import Client

from onewindow.community.models import Account, Entry, Member, Transfer
from onewindow.community.selectors import ledger as ledger_selectors
from onewindow.community.services import ledger, orders
from onewindow.core import clock
from onewindow.core.errors import Conflict, ServiceError


def _grant(member: Member, minutes: int, key: str) -> Transfer:
    return ledger.transfer_post(kind=Transfer.Kind.GRANT, reason="期初拨付",
                                  legs=[(ledger.bank_account(), -minutes),
                                        (ledger.account_for_member(member), minutes)],
                                  idempotency_key=key)


@pytest.mark.django_db
def test_the_service_refuses_a_transfer_that_does_not_balance_and_writes_nothing(world, make_volunteer) -> None:
    _c, member = make_volunteer("fang")
    bank, mine = ledger.bank_account(), ledger.account_for_member(member)
    with pytest.raises(ServiceError) as exc:
        ledger.transfer_post(kind=Transfer.Kind.GRANT, reason="错账", legs=[(bank, -60), (mine, 50)],
                               idempotency_key="k1")
    assert exc.value.problems[0].field == "entries" and "不平衡" in exc.value.message
    with pytest.raises(ServiceError):
        ledger.transfer_post(kind=Transfer.Kind.GRANT, reason="单腿", legs=[(mine, 60)], idempotency_key="k2")
    with pytest.raises(ServiceError):
        ledger.transfer_post(kind=Transfer.Kind.GRANT, reason="零", legs=[(bank, 0), (mine, 0)],
                               idempotency_key="k3")
    with pytest.raises(ServiceError):
        ledger.transfer_post(kind=Transfer.Kind.GRANT, reason="小数", legs=[(bank, -1.5), (mine, 1.5)],
                               idempotency_key="k4")
    assert Transfer.objects.count() == 0 and Entry.objects.count() == 0
    mine.refresh_from_db()
    assert mine.balance == 0


@pytest.mark.django_db
def test_a_retried_transfer_with_the_same_idempotency_key_moves_minutes_once(world, make_volunteer) -> None:
    giver_client, giver = make_volunteer("fang")
    _c, receiver = make_volunteer("lin")
    _grant(giver, 100, "grant-1")
    body = {"receiver_member_id": receiver.pk, "minutes": 30, "note": "结对帮扶"}
    first = giver_client.post("/api/v1/community/transfers/donation", body, content_type="application/json",
                              headers={"Idempotency-Key": "abc"})
    again = giver_client.post("/api/v1/community/transfers/donation", body, content_type="application/json",
                              headers={"Idempotency-Key": "abc"})
    assert first.status_code == again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    no_key = giver_client.post("/api/v1/community/transfers/donation", body, content_type="application/json")
    assert no_key.status_code == 400 and no_key.json()["errors"][0]["field"] == "Idempotency-Key"
    giver.account.refresh_from_db()
    receiver.account.refresh_from_db()
    assert (giver.account.balance, receiver.account.balance) == (70, 30)


@pytest.mark.django_db
def test_members_cannot_spend_more_minutes_than_they_have(world, make_volunteer) -> None:
    client, member = make_volunteer("fang")
    _c, other = make_volunteer("lin")
    _grant(member, 40, "grant-1")
    too_much = client.post("/api/v1/community/transfers/redemption", {"minutes": 41, "purpose": "reward",
                                                                       "note": "纪念品"},
                           content_type="application/json", headers={"Idempotency-Key": "r1"})
    assert too_much.status_code == 400 and "余额不足" in too_much.json()["detail"]
    assert too_much.json()["errors"][0]["field"] == "minutes"
    ok = client.post("/api/v1/community/transfers/redemption", {"minutes": 40, "purpose": "service",
                                                                 "note": "家政服务"},
                     content_type="application/json", headers={"Idempotency-Key": "r2"})
    assert ok.status_code == 200
    with pytest.raises(ServiceError):
        ledger.donation_make(giver=member, receiver=other, minutes=1, operator=None, idempotency_key="d1")
    with pytest.raises(ServiceError):
        ledger.donation_make(giver=member, receiver=member, minutes=1, operator=None, idempotency_key="d2")
    statement = client.get("/api/v1/community/accounts/me").json()
    assert statement["balance"] == 0
    assert [r["amount"] for r in statement["statement"]] == [-40, 40]
    assert [r["balance_after"] for r in statement["statement"]] == [0, 40]


@pytest.mark.django_db
def test_a_correction_is_a_reversing_transfer_and_happens_once(world, worker: Client, make_volunteer) -> None:
    _c, member = make_volunteer("fang")
    grant = _grant(member, 90, "grant-1")
    response = worker.post(f"/api/v1/community/transfers/{grant.pk}/reverse", {"reason": "录入错误"},
                           content_type="application/json")
    assert response.status_code == 200
    reversal = response.json()
    assert reversal["reverses"] == grant.pk
    assert sorted(e["amount"] for e in reversal["entries"]) == [-90, 90]
    again = worker.post(f"/api/v1/community/transfers/{grant.pk}/reverse", {}, content_type="application/json")
    assert again.status_code == 409
    assert worker.post(f"/api/v1/community/transfers/{reversal['id']}/reverse", {},
                       content_type="application/json").status_code == 409
    member.account.refresh_from_db()
    assert member.account.balance == 0
    assert Entry.objects.filter(transfer=grant).count() == 2  # the original entries are still there
    assert worker.get("/api/v1/community/ledger/check").json()["ok"] is True


@pytest.mark.django_db
def test_volunteers_see_only_their_own_account(world, worker: Client, make_volunteer) -> None:
    client, member = make_volunteer("fang")
    _c, other = make_volunteer("lin")
    assert client.get(f"/api/v1/community/accounts/{member.account.pk}/statement").status_code == 200
    # 404, not 403: the same answer as for an account that does not exist, so ids cannot be enumerated
    assert client.get(f"/api/v1/community/accounts/{other.account.pk}/statement").status_code == 404
    assert worker.get(f"/api/v1/community/accounts/{other.account.pk}/statement").status_code == 200


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_an_unbalanced_transfer_written_directly(world, make_volunteer) -> None:
    _c, member = make_volunteer("fang")
    account = ledger.account_for_member(member)
    with pytest.raises(IntegrityError, match="does not balance"), transaction.atomic():
        transfer = Transfer.objects.create(kind="grant", reason="直接写库", created_at="2026-01-01T00:00:00Z",
                                           idempotency_key="raw-1")
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO community_entry (transfer_id, account_id, amount) VALUES (%s, %s, %s)",
                           [transfer.pk, account.pk, 60])
    with pytest.raises(IntegrityError, match="at least two"), transaction.atomic():
        Transfer.objects.create(kind="grant", reason="空转账", created_at="2026-01-01T00:00:00Z",
                                idempotency_key="raw-2")
    assert Transfer.objects.count() == 0 and Entry.objects.count() == 0
    # the same direct write, balanced, is accepted: the trigger checks the sum, not the path
    bank = ledger.bank_account()
    with transaction.atomic():
        transfer = Transfer.objects.create(kind="grant", reason="直接写库", created_at="2026-01-01T00:00:00Z",
                                           idempotency_key="raw-3")
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO community_entry (transfer_id, account_id, amount) VALUES (%s, %s, %s), "
                           "(%s, %s, %s)", [transfer.pk, account.pk, 60, transfer.pk, bank.pk, -60])
    assert Entry.objects.filter(transfer__idempotency_key="raw-3").count() == 2


@pytest.mark.postgres
@pytest.mark.django_db  # the row trigger fires at once: no commit needed
def test_entries_cannot_be_edited_or_deleted_in_the_database(world, make_volunteer) -> None:
    _c, member = make_volunteer("fang")
    _grant(member, 30, "grant-1")
    entry = Entry.objects.first()
    with pytest.raises(DatabaseError, match="immutable"), transaction.atomic():
        Entry.objects.filter(pk=entry.pk).update(amount=3000)
    with pytest.raises(DatabaseError, match="immutable"), transaction.atomic():
        Entry.objects.filter(pk=entry.pk).delete()
    assert Entry.objects.aggregate(s=Sum("amount"))["s"] == 0
    assert Entry.objects.get(pk=entry.pk).amount == entry.amount


@pytest.mark.django_db
def test_confirming_credits_an_order_exactly_once_even_if_the_credit_is_retried(world, worker, make_volunteer) -> None:
    from onewindow.community.models import Order

    volunteer, member = make_volunteer("fang")
    order = orders.order_place(menu_item=world.menu, compound=world.compounds[0],
                               service_date=clock.today(), requester_kind="community", actor=worker.user)
    orders.order_take(order=order, actor=volunteer.user)
    orders.order_mark_done(order=order, actor=volunteer.user)
    confirm = f"/api/v1/community/orders/{order.pk}/confirm"
    assert worker.post(confirm, {"minutes": 60, "rating": 5}, content_type="application/json").status_code == 200
    # confirming again is refused: the order has moved on
    again = worker.post(confirm, {"minutes": 60, "rating": 5}, content_type="application/json")
    assert again.status_code == 409
    # a retried credit (the ledger step posted again with the order's own key) returns the first transfer
    credit = Transfer.objects.get(order=order)
    order = Order.objects.get(pk=order.pk)
    retried = ledger.transfer_post(kind=Transfer.Kind.ORDER_CREDIT, reason="重试记时", order=order,
                                   legs=[(order.payer_id, -60), (member.account, 60)],
                                   idempotency_key=f"order-credit-{order.pk}")
    assert retried.pk == credit.pk
    # and a transfer of kind order_credit for the same order under another key is refused by the database
    with pytest.raises(Conflict):
        ledger.transfer_post(kind=Transfer.Kind.ORDER_CREDIT, reason="重复记时", order=order,
                             legs=[(order.payer_id, -60), (member.account, 60)], idempotency_key="other")
    member.account.refresh_from_db()
    assert member.account.balance == 60
    assert Transfer.objects.filter(order=order).count() == 1
    assert ledger_selectors.ledger_check()["ok"]
    assert Account.objects.aggregate(s=Sum("balance"))["s"] == 0
