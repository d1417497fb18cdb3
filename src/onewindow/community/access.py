"""Who may do what with community records: the roles in an order, and object-level access to records taken by
id (orders, accounts, members).

An order's people: the *requester* placed it (a resident, or the community worker who placed it for the
community); the *taker* is the member who took it, or a member or the leader of the team that took it. Requester,
taker and confirmer are different people (services/orders.py).

Who may read an order:
- in full: the requester, the taker, community workers and supervisors (a superuser holds every role).
  Community workers are not tied to one community in this system (a user has roles, not a community), so every
  community worker sees every order.
- while it is open, on the board: any volunteer with a member record (they may take it) — without the
  requester's name and without the event log.
- everybody else: 404, the same answer as for an order that does not exist, so ids cannot be enumerated.
"""

from __future__ import annotations

import enum

from django.utils.translation import gettext as _

from onewindow.core.access import Role, has_role
from onewindow.core.actors import Actor, actor_user
from onewindow.core.errors import NotFound

from .models import Account, Member, Order
from .selectors.members import member_of


class OrderView(enum.Enum):
    FULL = "full"
    BOARD = "board"


def is_worker(actor: Actor) -> bool:
    return has_role(actor, Role.COMMUNITY_WORKER)


def is_requester_user(order: Order, actor: Actor) -> bool:
    """The person who placed the order (for a community order: the worker who placed it)."""
    user = actor_user(actor)
    return bool(order.requester_user_id and user is not None and user.pk == order.requester_user_id)


def is_requester(order: Order, actor: Actor) -> bool:
    """Who confirms on the requester's side: the person who placed it, or a community worker."""
    return is_worker(actor) or is_requester_user(order, actor)


def is_taker(order: Order, actor: Actor) -> bool:
    """The member who took the order, or a member or the leader of the team that took it."""
    member = member_of(actor)
    return member is not None and _took(order, member)


def _took(order: Order, member: Member) -> bool:
    if order.taker_member_id == member.pk:
        return True
    team = order.taker_team
    return team is not None and (team.leader_id == member.pk or team.members.filter(pk=member.pk).exists())


def order_view(actor: Actor, order: Order) -> OrderView | None:
    """How much of `order` the user may see, or None."""
    if actor_user(actor) is None:
        return None
    if has_role(actor, Role.COMMUNITY_WORKER, Role.SUPERVISOR) or is_requester_user(order, actor):
        return OrderView.FULL
    member = member_of(actor)
    if member is None:
        return None
    if _took(order, member):
        return OrderView.FULL
    if order.status == Order.Status.OPEN and has_role(actor, Role.VOLUNTEER):
        return OrderView.BOARD
    return None


def order_not_found() -> NotFound:
    return NotFound(_("订单不存在"), field="order_id")


def visible_order(actor: Actor, order_id: int | str) -> tuple[Order, OrderView]:
    """The order with the related rows the actions need, if the user may see it; else NotFound (404)."""
    pk = int(order_id) if str(order_id).isdigit() else 0
    order = (Order.objects.select_related("menu_item", "compound__community", "taker_member", "taker_team",
                                          "payer").filter(pk=pk).first()
             if 0 < pk < 2**63 else None)
    view = order_view(actor, order) if order is not None else None
    if order is None or view is None:
        raise order_not_found()
    return order, view


def can_view_account(actor: Actor, account: Account) -> bool:
    """Community workers and supervisors see every account; a member sees their own."""
    if has_role(actor, Role.COMMUNITY_WORKER, Role.SUPERVISOR):
        return True
    member = member_of(actor)
    return member is not None and account.member_id == member.pk


def can_act_for_member(actor: Actor, member: Member) -> bool:
    """Community workers act on any member's record; a volunteer only on their own."""
    user = actor_user(actor)
    return is_worker(actor) or (user is not None and member.user_id is not None and member.user_id == user.pk)
