"""The ledger under concurrency (PostgreSQL): threads confirm orders and move minutes on shared accounts."""

import threading

import pytest
from django.db import connection
from django.db.models import Count, Sum

from onewindow.community.models import Account, Entry, Order, Transfer
from onewindow.community.selectors import ledger as ledger_selectors
from onewindow.community.services import ledger, orders
from onewindow.core import clock
from onewindow.core.errors import Conflict

N = 32


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_confirmations_and_transfers_keep_the_ledger_whole(world, make_volunteer) -> None:
    from onewindow.core.access import Role

    from .builders import a_user

    worker = a_user("worker2", Role.COMMUNITY_WORKER)
    members = [make_volunteer(f"v{i}")[1] for i in range(4)]
    for i, m in enumerate(members):
        ledger.transfer_post(kind=Transfer.Kind.GRANT, reason="期初", idempotency_key=f"grant-{i}",
                               legs=[(ledger.bank_account(), -500), (ledger.account_for_member(m), 500)])
    placed = []
    for i in range(N):
        order = orders.order_place(menu_item=world.menu, compound=world.compounds[i % 5],
                                     service_date=clock.today(), requester_kind="community", actor=worker)
        taker = members[i % 4].user
        orders.order_take(order=order, actor=taker)
        orders.order_mark_done(order=order, actor=taker)
        placed.append(order)

    barrier = threading.Barrier(N)
    errors: list[BaseException] = []
    conflicts: list[int] = []

    def work(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            for order in (placed[i], placed[(i + 1) % N]):  # every order is confirmed by two threads at once
                try:
                    orders.order_confirm(order=Order.objects.get(pk=order.pk), minutes=10 + order.pk % 7,
                                           rating=5, actor=worker)
                except Conflict:
                    conflicts.append(order.pk)
            giver, receiver = members[i % 4], members[(i + 1) % 4]
            for _retry in range(2):  # the retry with the same key must not move minutes again
                ledger.donation_make(giver=giver, receiver=receiver, minutes=7, operator=None,
                                       idempotency_key=f"donation-{i}")
            ledger.redemption_make(member=members[(i + 2) % 4], minutes=3, purpose="reward", note="奖励",
                                     operator=None, idempotency_key=f"redeem-{i}")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(N)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    assert not errors, errors
    assert len(conflicts) == N  # one of the two confirmations of each order lost the race
    assert set(Order.objects.values_list("status", flat=True)) == {Order.Status.CONFIRMED}
    credits = Transfer.objects.filter(kind=Transfer.Kind.ORDER_CREDIT).values("order_id").annotate(n=Count("id"))
    assert len(credits) == N and {c["n"] for c in credits} == {1}
    assert Transfer.objects.filter(kind=Transfer.Kind.DONATION).count() == N
    assert Transfer.objects.filter(kind=Transfer.Kind.REDEMPTION).count() == N
    # no entry lost: every transfer has exactly its two legs
    assert Entry.objects.count() == 2 * Transfer.objects.count()
    assert Entry.objects.aggregate(s=Sum("amount"))["s"] == 0
    assert Account.objects.aggregate(s=Sum("balance"))["s"] == 0
    check = ledger_selectors.ledger_check()
    assert check["ok"], check  # every transfer balances and every cached balance equals its entries
    credited = sum(o.minutes for o in Order.objects.all())
    member_total = Account.objects.filter(kind=Account.Kind.MEMBER).aggregate(s=Sum("balance"))["s"]
    assert member_total == 4 * 500 + credited - 3 * N
