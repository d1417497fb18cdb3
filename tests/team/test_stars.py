"""The monthly 政务服务之星: proposed from the assessments (top score among clerks with enough data who passed the
month's exam), published by a supervisor through a transition, then listed on the public page and API."""

from __future__ import annotations

from django.test import Client

from onewindow.team.models import Star, StarEvent
from onewindow.team.services.assessments import assessment_compute_month
from onewindow.team.services.exams import attempt_start, attempt_submit, exam_create, question_upsert
from tests.team.conftest import World, post

API = "/api/v1/team/"


def _month(world: World) -> str:
    return world.month.strftime("%Y-%m")


def test_the_top_scorer_who_passed_the_exam_is_proposed_then_published(served: World) -> None:
    sup = served.users["supervisor"]
    assessment_compute_month(month=served.month, actor=sup)
    question_upsert(code="Q1", category="首问负责", kind="single", text="首问负责制要求？",
                    options=["首位接待人员负责到底", "推给其他窗口"], answer=[0], actor=sup)
    exam, _ = exam_create(code="ex", title="月考", month=served.month, pass_line=60, count=1, actor=sup)
    for name, answer in (("clerk", 1), ("clerk2", 0)):  # the best scorer fails the exam
        attempt, _ = attempt_start(exam=exam, clerk=served.users[name])
        attempt_submit(attempt=attempt, clerk=served.users[name], answers={"Q1": [answer]})
    chosen = post(served.clients["supervisor"], f"{API}stars/choose", {"month": _month(served), "hall": "huli"})
    assert chosen.status_code == 201 and chosen.json()["clerk"] == "王芳"
    assert post(served.clients["supervisor"], f"{API}stars/choose", {"month": _month(served), "hall": "huli"}
                ).status_code == 200
    assert Client().get(f"{API}stars").json()["results"] == []
    star = Star.objects.get()
    assert post(served.clients["clerk"], f"{API}stars/{star.pk}/publish").status_code == 403
    assert post(served.clients["head"], f"{API}stars/{star.pk}/publish").status_code == 403
    published = post(served.clients["supervisor"], f"{API}stars/{star.pk}/publish")
    assert published.status_code == 200 and published.json()["status"] == "published"
    assert post(served.clients["supervisor"], f"{API}stars/{star.pk}/publish").status_code == 200
    assert StarEvent.objects.filter(action="publish").count() == 1
    public = Client().get(f"{API}stars").json()["results"]
    assert public == [{"month": _month(served), "name": "王芳", "hall": "湖里区行政服务中心", "hall_code": "huli",
                       "counter": 2, "counter_name": "社会民生综合窗口"}]
    page = Client().get("/team/stars/").content.decode()
    assert "王芳" in page and "clerk2" not in page


def test_without_an_exam_the_top_score_is_proposed_and_no_data_is_never_chosen(served: World) -> None:
    assessment_compute_month(month=served.month, actor=served.users["supervisor"])
    sup = served.clients["supervisor"]
    sup.post("/team/manage/choose/", {"hall": "huli", "month": _month(served)})
    assert Star.objects.get().clerk == served.users["clerk"]
    sup.post("/team/manage/star_publish/", {"hall": "huli", "month": _month(served)})
    assert Star.objects.get().status == "published"
    none = post(sup, f"{API}stars/choose", {"month": _month(served), "hall": "fuan"})
    assert none.status_code == 400 and none.json()["errors"][0]["field"] == "month"
    assert post(sup, f"{API}stars/choose", {"month": _month(served), "hall": "nowhere"}).status_code == 404
