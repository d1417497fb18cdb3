"""Who may rate, through which link, for how long, and whom the rating names.

Regression tests for holes reproduced on the demo: replayed and never-expiring rating links, staff rating the
service they gave, rating links on staff pages, and online applications' bad reviews naming the citizen who
wrote them (who could then appeal their own review)."""

import datetime as dt

import pytest
from django.test import Client, override_settings

from onewindow.core import clock
from onewindow.core.access import Role
from onewindow.feedback.links import rating_url
from onewindow.feedback.models import Rating, Rectification

pytestmark = pytest.mark.django_db

API = "/api/v1/feedback/ratings"


def _token(url: str) -> str:
    return url.split("/")[-2]


def _api_rate(client: Client, token: str, **body) -> object:
    return client.post(API, {"token": token, "level": "satisfied"} | body, content_type="application/json")


# ------------------------------------------------------------------ single use, follow-up once, expiry


def test_the_same_rating_sent_again_through_one_link_is_a_refused_replay(make_ticket) -> None:
    token = _token(rating_url(target_kind="ticket", target_id=make_ticket().pk, channel="3"))
    first = _api_rate(Client(), token, level="dissatisfied", reasons=["213"], text="材料清单不清楚")
    assert first.status_code == 201
    replay = _api_rate(Client(), token, level="dissatisfied", reasons=["213"], text="材料清单不清楚")
    assert replay.status_code == 409
    assert "重复提交" in replay.json()["detail"] and replay.json()["errors"][0]["field"] == "token"
    assert Rating.objects.count() == 1 and Rectification.objects.count() == 1


def test_a_link_rates_once_then_follows_up_once_then_is_spent(make_ticket) -> None:
    url = rating_url(target_kind="ticket", target_id=make_ticket().pk, channel="2")
    token = _token(url)
    assert _api_rate(Client(), token, level="basic").json()["sequence"] == 1
    assert _api_rate(Client(), token, level="very_satisfied").json()["sequence"] == 2  # the 追评
    for level in ("satisfied", "very_satisfied", "basic"):
        again = _api_rate(Client(), token, level=level)
        assert again.status_code == 409
    assert Client().post(url, {"level": "satisfied", "identity": "anonymous"}).status_code == 409
    assert list(Rating.objects.order_by("sequence").values_list("sequence", "link_id")) == [
        (1, Rating.objects.get(sequence=1).link_id), (2, Rating.objects.get(sequence=1).link_id)]
    assert len(Rating.objects.get(sequence=1).link_id) == 32 and token not in Rating.objects.get(sequence=1).link_id


@override_settings(ONEWINDOW={"RATING_LINK_DAYS": 30, "BAD_REVIEW_FIX_WORKDAYS": 15})
def test_rating_links_expire_after_the_configured_days(make_ticket) -> None:
    start = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)
    with clock.frozen(start):
        ticket = make_ticket()
        url = rating_url(target_kind="ticket", target_id=ticket.pk, channel="2")
    with clock.frozen(start + dt.timedelta(days=31)):
        late = _api_rate(Client(), _token(url))
        assert late.status_code == 410 and "过期" in late.json()["detail"]
        page = Client().get(url)
        assert page.status_code == 200 and "过期" in page.content.decode() and "rate-submit" not in page.content.decode()
        assert Client().post(url, {"level": "satisfied", "identity": "anonymous"}).status_code == 410
        # a fresh link does not reopen a service that finished more than 30 days ago either
        fresh = rating_url(target_kind="ticket", target_id=ticket.pk, channel="2")
        assert _api_rate(Client(), _token(fresh)).status_code == 410
    with clock.frozen(start + dt.timedelta(days=29)):
        assert _api_rate(Client(), _token(url)).status_code == 201
    assert Rating.objects.count() == 1


def test_links_of_the_old_format_without_expiry_are_refused(make_ticket) -> None:
    from django.core import signing

    ticket = make_ticket()
    old = signing.dumps(["ticket", ticket.pk, "4"], salt="onewindow.feedback.rate.v1", compress=True)
    assert Client().get(f"/feedback/rate/{old}/").status_code == 404
    assert _api_rate(Client(), old).status_code == 400
    assert Rating.objects.count() == 0


# ------------------------------------------------------------------ staff do not rate themselves


def test_the_clerk_who_served_the_ticket_cannot_rate_it(make_ticket, make_user) -> None:
    clerk = make_user("self_rating_clerk", Role.CLERK, display_name="陈雅琴")
    ticket = make_ticket(clerk=clerk)
    url = rating_url(target_kind="ticket", target_id=ticket.pk, channel="2")
    own = Client()
    own.force_login(clerk)
    page = own.post(url, {"level": "very_satisfied", "identity": "anonymous"})
    assert page.status_code == 403 and "不能评价本人办理的服务" in page.content.decode()
    api = _api_rate(own, _token(url), level="very_satisfied")
    assert api.status_code == 403 and api.json()["errors"][0]["field"] == "token"
    assert "rate-submit" not in own.get(url).content.decode()  # the page does not even offer the form
    assert Rating.objects.count() == 0
    assert _api_rate(Client(), _token(url)).status_code == 201  # the citizen can


def test_a_clerk_does_not_rate_the_counter_they_work_at(make_ticket, make_user) -> None:
    from onewindow.hall.models import ClerkSession

    ticket = make_ticket()  # served by another clerk at counter 3
    colleague = make_user("same_counter_clerk", Role.CLERK)
    ClerkSession.objects.create(counter=ticket.counter, clerk=colleague, started_at=clock.now() - dt.timedelta(hours=3),
                                ended_at=clock.now() - dt.timedelta(hours=1))
    client = Client()
    client.force_login(colleague)
    token = _token(rating_url(target_kind="ticket", target_id=ticket.pk, channel="2"))
    assert _api_rate(client, token, level="very_satisfied").status_code == 403
    assert Rating.objects.count() == 0


def test_staff_of_the_department_that_handled_the_case_cannot_rate_it(make_application, make_user, dept,
                                                                      other_dept) -> None:
    decider = make_user("decider", Role.REVIEWER, department=dept)
    app = make_application(events=[("accept", decider), ("approve", decider), ("complete", decider)])
    token = _token(rating_url(target_kind="application", target_id=app.pk, channel="1"))
    for name, roles, department in (("colleague", (Role.REVIEWER,), dept), ("head", (Role.DEPARTMENT_HEAD,), dept)):
        staff = Client()
        staff.force_login(make_user(name, *roles, department=department))
        refused = _api_rate(staff, token, level="very_satisfied")
        assert refused.status_code == 403, name
    outsider = Client()
    outsider.force_login(make_user("outsider", Role.REVIEWER, department=other_dept))
    assert _api_rate(outsider, token).status_code == 201  # another department's reviewer applying as a citizen


def _page(client: Client, number: str) -> str:
    response = client.get(f"/cases/a/{number}/")
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_rating_link_is_shown_to_the_applicant_and_never_on_staff_pages(make_application, make_user,
                                                                            client_for, dept) -> None:
    citizen = make_user("applicant_citizen", Role.CITIZEN)
    reviewer = make_user("dept_reviewer", Role.REVIEWER, department=dept)
    app = make_application(submitted_by=citizen, applicant_user=citizen,
                           events=[("accept", reviewer), ("approve", reviewer), ("complete", reviewer)])
    owner = Client()
    owner.force_login(citizen)
    assert "/feedback/rate/" in _page(owner, app.number)
    for staff in (client_for(Role.CLERK), client_for(Role.SUPERVISOR), client_for(Role.REVIEWER, department=dept)):
        assert "/feedback/rate/" not in _page(staff, app.number)
    handler = Client()
    handler.force_login(reviewer)
    assert "/feedback/rate/" not in _page(handler, app.number)
    # the public progress page (number + phone digits) is the receipt holder's; a clerk who looks it up gets none
    lookup = {"number": app.number, "last4": "5678"}
    assert "/feedback/rate/" in Client().post("/cases/progress/", lookup).content.decode()
    assert "/feedback/rate/" not in client_for(Role.CLERK).post("/cases/progress/", lookup).content.decode()


def test_a_window_application_is_not_rated_from_the_page_of_the_clerk_who_submitted_it(
        make_application, make_user) -> None:
    clerk = make_user("window_clerk", Role.CLERK)
    app = make_application(channel="window", submitted_by=clerk, events=[("receive", clerk), ("accept", clerk),
                                                                         ("approve", clerk), ("complete", clerk)])
    own = Client()
    own.force_login(clerk)
    assert "/feedback/rate/" not in _page(own, app.number)


# ------------------------------------------------------------------ attribution and appeals


def test_an_online_bad_review_names_the_reviewer_who_decided_not_the_citizen(make_application, make_user,
                                                                            client_for, dept) -> None:
    citizen = make_user("online_citizen", Role.CITIZEN, display_name="林晓梅")
    acceptor = make_user("acceptor", Role.REVIEWER, department=dept, display_name="许受理")
    decider = make_user("decider2", Role.REVIEWER, department=dept, display_name="吴审批")
    app = make_application(submitted_by=citizen, applicant_user=citizen,
                           events=[("receive", citizen), ("accept", acceptor), ("approve", decider),
                                   ("complete", decider)])
    rater = Client()
    rater.force_login(citizen)
    url = rating_url(target_kind="application", target_id=app.pk, channel="1")
    assert rater.post(url, {"level": "very_dissatisfied", "reasons": ["115"], "identity": "named",
                            "rater_name": "林晓梅", "rater_phone": "13812345678"}).status_code == 200
    rating = Rating.objects.get()
    assert rating.clerk_id == decider.pk and rating.department_id == dept.pk and rating.rater_id == citizen.pk
    assert rating.rectification.department_id == dept.pk
    supervisor = client_for(Role.SUPERVISOR)
    [row] = supervisor.get(API).json()
    assert row["clerk_id"] == decider.pk
    clerks = supervisor.get("/api/v1/feedback/ratings/stats", {"dimension": "clerk"}).json()["rows"]
    assert [r["label"] for r in clerks] == ["吴审批"]


def test_a_window_application_names_the_clerk_who_accepted_it(make_application, make_user) -> None:
    clerk = make_user("accepting_clerk", Role.CLERK)
    app = make_application(channel="window", submitted_by=clerk,
                           events=[("receive", clerk), ("accept", clerk), ("approve", clerk), ("complete", clerk)])
    _api_rate(Client(), _token(rating_url(target_kind="application", target_id=app.pk, channel="3")))
    assert Rating.objects.get().clerk_id == clerk.pk


def test_a_service_nobody_handled_is_attributed_to_the_department_alone(make_application, make_user, dept) -> None:
    citizen = make_user("auto_citizen", Role.CITIZEN)
    app = make_application(submitted_by=citizen, events=[("receive", citizen), ("approve", None), ("complete", None)])
    _api_rate(Client(), _token(rating_url(target_kind="application", target_id=app.pk, channel="1")),
              level="dissatisfied", reasons=["213"])
    rating = Rating.objects.get()
    assert rating.clerk_id is None and rating.department_id == dept.pk
    assert rating.rectification.department_id == dept.pk


def test_the_rater_cannot_appeal_their_own_bad_review(make_application, make_user, client_for, dept) -> None:
    # a clerk applies online for themselves as a citizen and writes a named bad review
    rater_user = make_user("clerk_as_citizen", Role.CLERK, Role.CITIZEN)
    reviewer = make_user("case_reviewer", Role.REVIEWER, department=dept)
    app = make_application(submitted_by=rater_user, applicant_user=rater_user,
                           events=[("accept", reviewer), ("approve", reviewer), ("complete", reviewer)])
    rater = Client()
    rater.force_login(rater_user)
    token = _token(rating_url(target_kind="application", target_id=app.pk, channel="1"))
    assert _api_rate(rater, token, level="very_dissatisfied", reasons=["115"], anonymous=False,
                     rater_name="王某", rater_phone="13900001111").status_code == 201
    rec = Rectification.objects.get()
    appeal = f"/api/v1/feedback/rectifications/{rec.pk}/appeal"
    refused = rater.post(appeal, {"reason": "评价有误"}, content_type="application/json")
    assert refused.status_code == 403 and "评价人不能申诉" in refused.json()["detail"]
    supervisor = client_for(Role.SUPERVISOR)
    assert supervisor.post(appeal, {"reason": "x"}, content_type="application/json").status_code == 403
    other_clerk = client_for(Role.CLERK)
    assert other_clerk.post(appeal, {"reason": "x"}, content_type="application/json").status_code == 403
    rec.refresh_from_db()
    assert rec.state == "pending"
    named = Client()
    named.force_login(reviewer)  # the reviewer the review names (and their department) may appeal
    assert named.post(appeal, {"reason": "已按规定办理"}, content_type="application/json").json()["state"] == "appealed"
    # and the one who appealed does not decide it: a supervisor does
    assert supervisor.post(f"/api/v1/feedback/rectifications/{rec.pk}/review", {"accept": False, "note": "属实"},
                           content_type="application/json").json()["state"] == "valid"
