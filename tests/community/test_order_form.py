"""Placing a time-bank order (issue 19): its own page with a searchable compound picker (no 183-entry dropdown in
a collapsed panel), problems named next to their fields, and the time shown in hours on every page."""

from __future__ import annotations

import pytest

from onewindow.community.models import Order
from onewindow.core import clock

pytestmark = pytest.mark.django_db


def _form(world, **over: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    data = {"menu_item": str(world.menu.pk), "compound_label": "东梅社区 · 浅水湾荔苑",
            "service_date": clock.today().isoformat(), "requester_kind": "resident", "requester_name": "林阿婆",
            "description": "测血压"}
    data.update(over)
    return data


def test_the_order_page_opens_directly_with_a_searchable_compound_list(world, worker) -> None:
    r = worker.get("/community/orders/new/")
    assert r.status_code == 200
    page = r.content.decode()
    assert 'list="compound-list"' in page and '<option value="英龙社区 · 华景城小区">' in page
    assert "<select name=\"compound\"" not in page
    listing = worker.get("/community/orders/").content.decode()
    assert 'href="/community/orders/new/"' in listing and "id=\"place-order\"" not in listing


def test_an_order_is_placed_for_the_compound_chosen_by_its_label_or_its_unique_name(world, worker) -> None:
    r = worker.post("/community/orders/new/", _form(world))
    assert r.status_code == 302 and r["Location"] == "/community/orders/"
    assert Order.objects.get().compound == world.compounds[1]
    worker.post("/community/orders/new/", _form(world, compound_label="英龙花园"))
    assert Order.objects.order_by("-id").first().compound == world.compounds[4]


def test_an_unknown_or_ambiguous_compound_is_named_and_nothing_is_placed(world, worker) -> None:
    for label in ("", "浅水湾", "不存在小区"):
        r = worker.post("/community/orders/new/", _form(world, compound_label=label))
        page = r.content.decode()
        assert r.status_code == 400 and "请从列表中选择小区" in page and "测血压" in page  # what was typed stays
    bad_date = worker.post("/community/orders/new/", _form(world, service_date="2026-13-40"))
    assert bad_date.status_code == 400
    assert not Order.objects.exists()


def test_a_visitor_cannot_open_the_order_page(world, client) -> None:
    r = client.get("/community/orders/new/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")


def test_the_balance_and_the_menu_show_hours_like_the_overview(world, worker, make_volunteer) -> None:
    from onewindow.community.services import orders as order_services

    volunteer, member = make_volunteer("hours")
    order = order_services.order_place(menu_item=world.menu, compound=world.compounds[0],
                                       service_date=clock.today(), requester_kind="resident",
                                       description="", requester_name="林阿婆", actor=worker.user)
    order_services.order_take(order=order, actor=volunteer.user)
    order_services.order_mark_done(order=order, actor=volunteer.user, note="")
    order_services.order_confirm(order=order, actor=worker.user, note="", minutes=90, rating=5)
    me = volunteer.get("/community/me/").content.decode()
    assert '<div class="value" id="balance">1.5</div>' in me and "时长余额（小时）" in me and "分钟" not in me
    assert "+1.5" in volunteer.get("/community/me/statement/").content.decode()
    assert "2 小时" in worker.get("/community/menu/").content.decode()
