"""Object-level access to community records taken by id (orders, accounts, members).

Who may read an order:
- in full: the person who placed it, the member who took it (or a member or the leader of the team that took
  it), community workers and supervisors (a superuser holds every role). Community workers are not tied to one
  community in this system (a user has roles, not a community), so every community worker sees every order.
- while it is open, on the board: any volunteer with a member record (they may take it) — without the
  requester's name and without the event log.
- everybody else: 404, the same answer as for an order that does not exist, so ids cannot be enumerated.
"""

from __future__ import annotations

import enum
from typing import Any

from onewindow.core.access import Role, has_role
from onewindow.core.errors import NotFound

from .models import Account, Member, Order
from .services import member_of


class OrderView(enum.Enum):
    FULL = "full"
    BOARD = "board"


def order_view(user: Any, order: Order) -> OrderView | None:
    """How much of `order` the user may see, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    if has_role(user, Role.COMMUNITY_WORKER, Role.SUPERVISOR):
        return OrderView.FULL
    if order.requester_user_id and order.requester_user_id == user.pk:
        return OrderView.FULL
    member = member_of(user)
    if member is None:
        return None
    if order.taker_member_id == member.pk:
        return OrderView.FULL
    if order.taker_team_id and (order.taker_team.leader_id == member.pk
                                or order.taker_team.members.filter(pk=member.pk).exists()):
        return OrderView.FULL
    if order.status == Order.Status.OPEN and has_role(user, Role.VOLUNTEER):
        return OrderView.BOARD
    return None


def order_not_found() -> NotFound:
    return NotFound("订单不存在", field="order_id")


def visible_order(user: Any, order_id: int | str) -> tuple[Order, OrderView]:
    """The order with the related rows the actions need, if the user may see it; else NotFound (404)."""
    pk = int(order_id) if str(order_id).isdigit() else 0
    order = (Order.objects.select_related("menu_item", "compound__community", "taker_member", "taker_team",
                                          "payer").filter(pk=pk).first()
             if 0 < pk < 2**63 else None)
    view = order_view(user, order) if order is not None else None
    if order is None or view is None:
        raise order_not_found()
    return order, view


def can_view_account(user: Any, account: Account) -> bool:
    """Community workers and supervisors see every account; a member sees their own."""
    if has_role(user, Role.COMMUNITY_WORKER, Role.SUPERVISOR):
        return True
    member = member_of(user)
    return member is not None and account.member_id == member.pk


def can_act_for_member(user: Any, member: Member) -> bool:
    """Community workers act on any member's record; a volunteer only on their own."""
    return has_role(user, Role.COMMUNITY_WORKER) or (member.user_id is not None and member.user_id == user.pk)
