"""Business exams: questions drawn from the bank, the paper shown without answers, the score computed by the
server, one attempt per clerk unless a retake is allowed, a replayed submit changes nothing, nobody submits for
another, and the supervisor's results with pass or fail."""

from __future__ import annotations

from typing import Any

import pytest

from onewindow.team.models import Attempt, Exam
from onewindow.team.services.exams import exam_create, question_upsert
from tests.team.conftest import World, post

API = "/api/v1/team/"


@pytest.fixture
def exam(world: World) -> Exam:
    sup = world.users["supervisor"]
    for i in range(4):
        question_upsert(code=f"Q{i}", category="一窗受理", kind="single", text=f"第{i}题：一窗受理的要求是？",
                        options=["前台综合受理", "各部门分别收件"], answer=[0], actor=sup)
    question_upsert(code="Q9", category="好差评", kind="multiple", text="好评包括哪些等级？",
                    options=["非常满意", "满意", "不满意"], answer=[0, 1], actor=sup)
    made, _ = exam_create(code="2026-01", title="一月业务考试", month=world.month, pass_line=60, count=5, actor=sup)
    return made


def _answers(right: int) -> dict[str, Any]:
    """`right` of the four single-choice questions right, and the multiple-choice one right."""
    return {**{f"Q{i}": [0 if i < right else 1] for i in range(4)}, "Q9": [1, 0]}


def test_a_clerk_gets_the_paper_without_answers_and_the_server_scores_it(world: World, exam: Exam) -> None:
    clerk = world.clients["clerk"]
    started = post(clerk, f"{API}exams/{exam.code}/attempts")
    assert started.status_code == 201
    body = started.json()
    assert len(body["questions"]) == 5 and "answer" not in str(body["questions"])
    submitted = post(clerk, f"{API}attempts/{body['id']}/submit", {"answers": _answers(2), "score": 100})
    assert submitted.status_code == 200
    assert submitted.json()["score"] == 60 and submitted.json()["passed"] is True
    replay = post(clerk, f"{API}attempts/{body['id']}/submit", {"answers": _answers(4)})
    assert replay.json()["score"] == 60
    assert Attempt.objects.get().events.filter(action="submit").count() == 1


def test_one_attempt_per_clerk_unless_a_retake_is_allowed(world: World, exam: Exam) -> None:
    clerk = world.clients["clerk"]
    first = post(clerk, f"{API}exams/{exam.code}/attempts").json()
    assert post(clerk, f"{API}exams/{exam.code}/attempts").status_code == 200  # resumed, not a second
    post(clerk, f"{API}attempts/{first['id']}/submit", {"answers": _answers(0)})
    refused = post(clerk, f"{API}exams/{exam.code}/attempts")
    assert refused.status_code == 409 and refused.json()["errors"][0]["field"] == "exam"
    Exam.objects.filter(pk=exam.pk).update(allow_retake=True)
    again = post(clerk, f"{API}exams/{exam.code}/attempts")
    assert again.status_code == 201 and again.json()["number"] == 2


def test_a_clerk_cannot_submit_for_another(world: World, exam: Exam) -> None:
    attempt = post(world.clients["clerk"], f"{API}exams/{exam.code}/attempts").json()
    other = post(world.clients["clerk2"], f"{API}attempts/{attempt['id']}/submit", {"answers": _answers(4)})
    assert other.status_code == 403
    assert Attempt.objects.get().status == "started"
    assert post(world.clients["supervisor"], f"{API}exams/{exam.code}/attempts").status_code == 403


def test_an_answer_outside_the_paper_is_refused_naming_it(world: World, exam: Exam) -> None:
    attempt = post(world.clients["clerk"], f"{API}exams/{exam.code}/attempts").json()
    bad = post(world.clients["clerk"], f"{API}attempts/{attempt['id']}/submit", {"answers": {"Q0": [7]}})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "answers.Q0"
    stranger = post(world.clients["clerk"], f"{API}attempts/{attempt['id']}/submit", {"answers": {"ZZ": [0]}})
    assert stranger.status_code == 400
    assert Attempt.objects.get().status == "started"


def test_the_supervisor_sees_results_with_pass_or_fail(world: World, exam: Exam) -> None:
    for name, right in (("clerk", 4), ("clerk2", 0)):
        attempt = post(world.clients[name], f"{API}exams/{exam.code}/attempts").json()
        post(world.clients[name], f"{API}attempts/{attempt['id']}/submit", {"answers": _answers(right)})
    results = world.clients["supervisor"].get(f"{API}exams/{exam.code}/results").json()["results"]
    assert [(r["clerk"], r["score"], r["passed"]) for r in results] == [("陈雅琴", 100, True), ("王芳", 20, False)]
    assert world.clients["clerk"].get(f"{API}exams/{exam.code}/results").status_code == 403
    page = world.clients["supervisor"].get(f"/team/exams/{exam.code}/results/").content.decode()
    assert "王芳" in page and "不及格" in page


def test_a_supervisor_draws_an_exam_from_the_bank(world: World, exam: Exam) -> None:
    sup = world.clients["supervisor"]
    made = post(sup, f"{API}exams", {"code": "ex-2", "title": "补充考试", "month": world.month.strftime("%Y-%m"),
                                     "count": 3})
    assert made.status_code == 201 and made.json()["questions"] == 3
    assert post(sup, f"{API}exams", {"code": "ex-2", "title": "补充考试", "month": "2026-01"}).status_code == 200
    too_many = post(sup, f"{API}exams", {"code": "ex-3", "title": "大考", "month": "2026-01", "count": 50})
    assert too_many.status_code == 400 and too_many.json()["errors"][0]["field"] == "count"
    assert post(world.clients["clerk"], f"{API}exams", {"code": "x", "title": "x", "month": "2026-01"}
                ).status_code == 403


def test_the_exam_page_starts_shows_the_paper_and_scores(world: World, exam: Exam) -> None:
    clerk = world.clients["clerk"]
    assert clerk.post(f"/team/exams/{exam.code}/", {"action": "start"}).status_code == 302
    page = clerk.get(f"/team/exams/{exam.code}/").content.decode()
    assert "好评包括哪些等级" in page
    form = {**{f"Q{i}": "0" for i in range(4)}, "Q9": ["0", "1"]}
    clerk.post(f"/team/exams/{exam.code}/", form)
    assert Attempt.objects.get().score == 100
    assert "100" in clerk.get(f"/team/exams/{exam.code}/").content.decode()
    assert world.clients["supervisor"].get(f"/team/exams/{exam.code}/").status_code == 403
