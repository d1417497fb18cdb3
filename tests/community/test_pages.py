import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from onewindow.community.models import EventSignup, Matter, Member, Proposal
from onewindow.community.services import orders, organisation, theme_events
from onewindow.core import clock
from onewindow.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _orders(world, worker_user, n: int) -> None:
    for _ in range(n):
        orders.order_place(menu_item=world.menu, compound=world.compounds[0], service_date=dt.date(2030, 1, 1),
                             requester_kind="community", actor=worker_user)


def test_worker_pages_render_with_a_query_count_that_does_not_grow_with_the_list(world, worker, make_volunteer) -> None:
    for i in range(3):
        make_volunteer(f"v{i}")
    _orders(world, worker.user, 3)
    pages = ["/community/", "/community/organisation/", "/community/members/", "/community/teams/",
             "/community/menu/", "/community/orders/", "/community/matters/", "/community/proposals/",
             "/community/events/", "/community/reports/", "/community/feedback/", "/community/ledger/",
             "/api/v1/community/members", "/api/v1/community/orders"]
    before = {}
    for url in pages:
        with CaptureQueriesContext(connection) as q:
            assert worker.get(url).status_code == 200, url
        before[url] = len(q)
    for i in range(3, 12):
        make_volunteer(f"v{i}")
    _orders(world, worker.user, 15)
    for url in pages:
        with CaptureQueriesContext(connection) as q:
            worker.get(url)
        assert len(q) == before[url], url


def test_member_lists_mask_names_and_phones_and_the_full_record_is_audited(world, worker, make_volunteer) -> None:
    _c, member = make_volunteer("fang")
    Member.objects.filter(pk=member.pk).update(name="方志强")
    page = worker.get("/community/members/").content.decode()
    assert "方*强" in page and "139****2368" in page
    assert "方志强" not in page and "13959412368" not in page
    api = worker.get("/api/v1/community/members").json()["items"][0]
    assert api["name"] == "方*强" and api["phone"] == "139****2368"
    detail = worker.get(f"/community/members/{member.pk}/").content.decode()
    assert "方志强" in detail
    assert AuditEntry.objects.filter(action="community.member_view_full", target_id=str(member.pk)).exists()


def test_a_volunteer_reports_in_at_the_home_community_once(world, make_volunteer) -> None:
    client, member = make_volunteer("fang")
    assert "向东梅社区报到" in client.get("/community/me/").content.decode()
    client.post("/community/me/report_in/")
    member.refresh_from_db()
    assert member.reported_community == world.east and member.reported_at is not None
    again = client.post(f"/api/v1/community/members/{member.pk}/report-in")
    assert again.status_code == 409 and "当前状态为「已报到」" in again.json()["detail"]
    assert again.json()["errors"][0]["field"] == "report_status"
    assert "已向东梅社区报到" in client.get("/community/me/").content.decode()


def test_volunteers_and_visitors_cannot_open_worker_pages(world, make_volunteer) -> None:
    client, _m = make_volunteer("fang")
    assert client.get("/community/members/").status_code == 403
    assert client.get("/api/v1/community/transfers").status_code == 403
    assert Client().get("/community/orders/").status_code == 302
    assert Client().get("/api/v1/community/members").status_code == 401


def test_a_residents_matter_is_routed_mediated_and_closed_only_with_feedback(world, worker) -> None:
    response = worker.post("/api/v1/community/matters", {"kind": "rights", "compound_id": world.compounds[3].pk,
                                                         "resident_name": "陈雅琴", "resident_phone": "13800000000",
                                                         "subject": "物业费上涨未经表决"},
                           content_type="application/json")
    bad_phone = worker.post("/api/v1/community/matters", {"kind": "talk", "compound_id": world.compounds[3].pk,
                                                          "resident_name": "陈", "resident_phone": "12345",
                                                          "subject": "x"}, content_type="application/json")
    assert bad_phone.status_code == 400 and bad_phone.json()["errors"][0]["field"] == "resident_phone"
    matter = response.json()
    assert matter["resident_phone"] == "138****0000"
    url = f"/api/v1/community/matters/{matter['id']}"
    assert worker.post(f"{url}/close", {"feedback": "好"}, content_type="application/json").status_code == 409
    assert worker.post(f"{url}/route", {"route": "nowhere"}, content_type="application/json").status_code == 400
    worker.post(f"{url}/route", {"route": "owners_committee"}, content_type="application/json")
    worker.post(f"{url}/mediate", {"note": "三方协调"}, content_type="application/json")
    worker.post(f"{url}/resolve", {"resolution": "暂缓上涨"}, content_type="application/json")
    no_feedback = worker.post(f"{url}/close", {"feedback": ""}, content_type="application/json")
    assert no_feedback.status_code == 400 and no_feedback.json()["errors"][0]["field"] == "feedback"
    closed = worker.post(f"{url}/close", {"feedback": "满意", "satisfied": True}, content_type="application/json")
    assert closed.json()["status"] == "closed"
    m = Matter.objects.get(pk=matter["id"])
    assert [log.action for log in m.logs.all()] == ["intake", "route", "mediate", "resolve", "close"]
    assert "三方协调" in worker.get(f"/community/matters/{m.pk}/").content.decode()


def test_a_proposal_passes_two_deliberations_two_evaluations_and_is_published(world, worker) -> None:
    organisation.partyorg_create(kind="compound_branch", name="浅水湾小区党支部", compounds=[world.compounds[0]], actor=None)
    p = worker.post("/api/v1/community/proposals", {"compound_id": world.compounds[0].pk, "topic": "property_company",
                                                    "title": "选聘新物业", "content": "物业合同到期"},
                    content_type="application/json").json()
    url = f"/api/v1/community/proposals/{p['id']}/advance"
    out_of_order = worker.post(url, {"step": "publish"}, content_type="application/json")
    assert out_of_order.status_code == 409 and "三方商议" in out_of_order.json()["detail"]
    assert Client().get(f"/community/public/proposals/{p['id']}/").status_code == 404
    worker.post(url, {"step": "deliberate", "text": "三方商议"}, content_type="application/json")
    assert worker.post(url, {"step": "decide", "text": "决议"}, content_type="application/json").status_code == 400
    worker.post(url, {"step": "decide", "text": "业主大会通过", "votes_for": 200, "votes_against": 5},
                content_type="application/json")
    worker.post(url, {"step": "evaluate", "text": "程序合规", "approval_rate": 96}, content_type="application/json")
    published = worker.post(url, {"step": "publish"}, content_type="application/json").json()
    assert published["status"] == "published"
    page = Client().get(f"/community/public/proposals/{p['id']}/").content.decode()
    assert "业主大会通过" in page and "96%" in page and "浅水湾小区党支部" in page
    assert [e["title"] for e in Client().get("/api/v1/community/proposals").json()] == ["选聘新物业"]
    assert Proposal.objects.get().events.count() == 5


def test_theme_day_attendance_credits_hours_once_through_the_ledger(world, worker, make_volunteer) -> None:
    client, member = make_volunteer("fang")
    _c2, absent = make_volunteer("lin")
    event = worker.post("/api/v1/community/events", {"community_id": world.east.pk, "title": "主题党日：垃圾分类",
                                                     "date": theme_events.theme_day(2030, 3).isoformat(),
                                                     "credit_minutes": 120, "capacity": 2},
                        content_type="application/json").json()
    assert event["date"].endswith("-15")
    assert client.post(f"/api/v1/community/events/{event['id']}/signup", {}, content_type="application/json").status_code == 200
    assert client.post(f"/api/v1/community/events/{event['id']}/signup", {}, content_type="application/json").status_code == 409
    worker.post(f"/api/v1/community/events/{event['id']}/signup", {"member_id": absent.pk},
                content_type="application/json")
    worker.post(f"/api/v1/community/events/{event['id']}/attendance", {"member_ids": [member.pk]},
                content_type="application/json")
    assert worker.post(f"/api/v1/community/events/{event['id']}/close").json()["status"] == "credited"
    assert worker.post(f"/api/v1/community/events/{event['id']}/close").status_code == 409
    member.account.refresh_from_db()
    absent.account.refresh_from_db()
    assert (member.account.balance, absent.account.balance) == (120, 0)
    assert EventSignup.objects.filter(attended=True).count() == 1


def test_the_monthly_feedback_report_lists_each_in_service_members_service(world, worker, make_volunteer) -> None:
    volunteer, member = make_volunteer("fang")
    _c, idle = make_volunteer("lin")
    with clock.frozen(dt.datetime(2026, 10, 8, 9)):
        order = orders.order_place(menu_item=world.menu, compound=world.compounds[0],
                                     service_date=dt.date(2026, 10, 8), requester_kind="community", actor=worker.user)
        orders.order_take(order=order, actor=volunteer.user)
        orders.order_mark_done(order=order, actor=volunteer.user)
        orders.order_confirm(order=order, minutes=90, rating=5, actor=worker.user)
    url = f"/community/feedback/{world.employer.pk}/2026-10/"
    page = worker.get(url).content.decode()
    assert f"党员{member.user.username}" in page and "1.5" in page
    data = worker.get(f"/api/v1/community/feedback/{world.employer.pk}/2026-10").json()
    assert data["totals"]["members"] == 2 and data["totals"]["minutes"] == 90 and data["totals"]["orders"] == 1
    assert data["rows"][0]["id"] == member.pk and data["rows"][1]["minutes"] == 0
    other_month = worker.get(f"/api/v1/community/feedback/{world.employer.pk}/2026-11").json()
    assert other_month["totals"]["minutes"] == 0
    pdf = worker.get(f"/community/feedback/{world.employer.pk}/2026-10.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    xlsx = worker.get(f"/community/feedback/{world.employer.pk}/2026-10.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(xlsx.content)).active
    assert sheet.cell(2, 1).value == f"党员{member.user.username}" and sheet.cell(2, 6).value == 1.5
    report = worker.get("/api/v1/community/reports/hours").json()
    assert report["by_month"] == [{"month": "2026-10", "minutes": 90, "hours": 1.5}]
    assert report["by_compound"][0]["compound"] == "浅水湾小区"
    assert worker.get("/community/reports.xlsx").content[:2] == b"PK"
