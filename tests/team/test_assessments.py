"""Monthly assessment: computed from tickets, ratings (the feedback definition of 好评率), inspection errors and
sign-ins; compared within the hall and window kind; 无数据 never shown as a score; recomputed in place; frozen
once published; each clerk sees only their own."""

from __future__ import annotations

from onewindow.core import clock
from onewindow.feedback.figures import good_rate
from onewindow.team.models import Assessment, AssessmentEvent
from tests.team.conftest import World, post

API = "/api/v1/team/"


def _month(world: World) -> str:
    return world.month.strftime("%Y-%m")


def _rows(world: World) -> dict[str, dict]:
    body = world.clients["supervisor"].get(f"{API}assessments?month={_month(world)}&hall=huli").json()
    return {r["clerk"]: r for r in body["results"]}


def test_the_month_is_computed_from_the_records_and_ranked_among_peers(served: World) -> None:
    response = post(served.clients["supervisor"], f"{API}assessments/compute", {"month": _month(served),
                                                                              "hall": "huli"})
    assert response.status_code == 200, response.content
    assert response.json()["computed"] == 3
    rows = _rows(served)
    best, second = rows["陈雅琴"], rows["王芳"]
    assert best["served"] == 30 and best["good_rate"] == 1.0 and best["days_on_time"] == 3
    assert best["score"] == 100.0 and best["rank"] == 1 and best["peers"] == 2
    assert second["good_rate"] == good_rate(very=6, satisfied=0, active=10)
    assert second["volume_part"] == 0.8 and second["punctuality_part"] == 0.0 and second["days_signed"] == 3
    assert second["score"] == 68.0 and second["rank"] == 2


def test_a_clerk_below_the_minimum_is_shown_as_no_data_never_as_a_score(served: World) -> None:
    post(served.clients["supervisor"], f"{API}assessments/compute", {"month": _month(served), "hall": "huli"})
    few = _rows(served)["李明"]
    assert few["score"] is None and few["no_data"] is True and few["rank"] is None
    page = served.clients["supervisor"].get(f"/team/?month={_month(served)}&hall=huli")
    assert page.status_code == 200
    text = page.content.decode()
    assert "无数据" in text and "综合得分 =" in text


def test_recomputing_replaces_the_months_row_and_counts_an_inspection_error(served: World) -> None:
    sup = served.clients["supervisor"]
    post(sup, f"{API}assessments/compute", {"month": _month(served)})
    clerk = served.users["clerk"]
    response = post(sup, f"{API}errors", {"clerk": clerk.pk, "found_on": served.days[0].isoformat(),
                                          "description": "材料核验漏项", "key": "err-1"})
    assert response.status_code == 201
    assert post(sup, f"{API}errors", {"clerk": clerk.pk, "found_on": served.days[0].isoformat(),
                                      "description": "材料核验漏项", "key": "err-1"}).status_code == 200
    post(sup, f"{API}assessments/compute", {"month": _month(served)})
    assert Assessment.objects.filter(clerk=clerk, month=served.month).count() == 1
    row = _rows(served)["陈雅琴"]
    assert row["errors"] == 1 and row["error_part"] == 0.8 and row["score"] == 96.0


def test_a_published_month_is_frozen(served: World) -> None:
    sup = served.clients["supervisor"]
    post(sup, f"{API}assessments/compute", {"month": _month(served), "hall": "huli"})
    response = post(sup, f"{API}assessments/publish", {"month": _month(served), "hall": "huli"})
    assert response.json()["published"] == 3
    assert AssessmentEvent.objects.filter(action="publish").count() == 3
    refused = post(sup, f"{API}assessments/compute", {"month": _month(served), "hall": "huli"})
    assert refused.status_code == 409
    assert refused.json()["errors"][0]["field"] == "month"
    late = post(sup, f"{API}errors", {"clerk": served.users["clerk"].pk, "found_on": served.days[0].isoformat(),
                                      "description": "补登差错"})
    assert late.status_code == 409


def test_a_department_head_computes_but_only_a_supervisor_publishes(served: World) -> None:
    head = served.clients["head"]
    assert post(head, f"{API}assessments/compute", {"month": _month(served)}).status_code == 200
    assert post(head, f"{API}assessments/publish", {"month": _month(served)}).status_code == 403


def test_a_clerk_sees_only_their_own_assessment(served: World) -> None:
    post(served.clients["supervisor"], f"{API}assessments/compute", {"month": _month(served)})
    clerk = served.clients["clerk"]
    mine = clerk.get(f"{API}assessments/mine").json()["results"]
    assert [r["clerk"] for r in mine] == ["陈雅琴"]
    assert clerk.get(f"{API}assessments?month={_month(served)}").status_code == 403
    assert post(clerk, f"{API}assessments/compute", {"month": _month(served)}).status_code == 403
    page = clerk.get("/team/").content.decode()
    assert "王芳" not in page and "100.0" in page
    assert served.clients["citizen"].get("/team/").status_code == 403


def test_anonymous_callers_are_refused_and_bad_input_names_the_field(served: World) -> None:
    from django.test import Client

    assert Client().get(f"{API}assessments").status_code == 401
    sup = served.clients["supervisor"]
    bad = post(sup, f"{API}assessments/compute", {"month": "2026/01"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "month"
    future = clock.today().replace(day=28).replace(year=clock.today().year + 1).strftime("%Y-%m")
    assert post(sup, f"{API}assessments/compute", {"month": future}).status_code == 400
    missing = post(sup, f"{API}errors", {"clerk": served.users["clerk"].pk, "found_on": "2020-01-01",
                                         "description": " "})
    assert missing.status_code == 400 and missing.json()["errors"][0]["field"] == "description"
    assert Assessment.objects.count() == 0


def test_the_page_buttons_compute_and_publish(served: World) -> None:
    sup = served.clients["supervisor"]
    response = sup.post("/team/manage/compute/", {"hall": "huli", "month": _month(served)})
    assert response.status_code == 302
    assert Assessment.objects.filter(month=served.month).count() == 3
    sup.post("/team/manage/publish/", {"hall": "huli", "month": _month(served)})
    assert not Assessment.objects.filter(month=served.month, status="draft").exists()
    assert served.clients["clerk"].post("/team/manage/compute/", {"hall": "huli"}).status_code == 403
