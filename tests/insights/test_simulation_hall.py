"""Demand fitted from a hall's recorded ticket events, replay of a recorded day, the page, the API and the CLI."""

import json
from html import unescape
from io import StringIO

import pytest
from django.core.management import call_command

from onewindow.core.access import Role
from onewindow.insights.simulation import hallsource
from onewindow.insights.simulation.replay import replay_day


def real_mean_wait(tickets):
    return sum((t["called"] - t["issued"]).total_seconds() / 60 for t in tickets) / len(tickets)


def test_replay_of_a_recorded_day_reproduces_the_real_waiting_times(recorded_hall):
    tickets = hallsource.recorded_day("test-hall", recorded_hall["day"])
    assert len(tickets) == len(recorded_hall["tickets"])
    result = replay_day(tickets)
    assert result.layout.code == "recorded" and len(result.layout.pools) == 3
    assert result.overall.real_mean == pytest.approx(real_mean_wait(recorded_hall["tickets"]), rel=1e-6)
    # the day was first come first served at the recorded windows: the replay gives the same waits
    assert result.overall.sim_mean == pytest.approx(result.overall.real_mean, rel=0.01)
    for row in result.by_category:
        assert row.sim_mean == pytest.approx(row.real_mean, rel=0.02, abs=0.05)


def test_replay_through_comprehensive_windows_at_equal_staff_cuts_the_wait(recorded_hall, client_for):
    client = client_for(Role.SUPERVISOR)
    r = client.get("/api/v1/insights/replay", {"hall": "test-hall", "day": recorded_hall["day"].isoformat()})
    assert r.status_code == 200
    data = r.json()
    rec, comp = data["recorded"], data["comprehensive"]
    assert rec["replayed"] == len(recorded_hall["tickets"]) and rec["not_called"] == 0
    assert comp["overall"]["sim_mean"] < rec["overall"]["real_mean"]
    assert comp["layout"]["pools"][0]["staffing"] == [3] * len(comp["layout"]["pools"][0]["staffing"])


def test_demand_is_fitted_from_recorded_events(recorded_hall):
    period = hallsource.find_period("test-hall")
    assert period is not None and period.days == (recorded_hall["day"],)
    demand = hallsource.fit_demand("test-hall", list(period.days))
    counts = {c: sum(1 for t in recorded_hall["tickets"] if t["category"] == c) for c in "AB"}
    assert {c.code: round(sum(c.arrivals_per_hour)) for c in demand.categories} == {"t-A": counts["A"], "t-B": counts["B"]}
    assert demand.open_hour == 9 and demand.hours == 8
    a = demand.category("t-A")
    assert a.service.kind == "empirical"
    real = [(t["finished"] - t["called"]).total_seconds() / 60 for t in recorded_hall["tickets"] if t["category"] == "A"]
    assert a.service.mean == pytest.approx(sum(real) / len(real), rel=1e-6)
    assert hallsource.recorded_staffing("test-hall", list(period.days)) == {"t-A": 2, "t-B": 1}


def test_supervisor_compares_layouts_for_a_recorded_hall_through_the_api(recorded_hall, client_for):
    client = client_for(Role.SUPERVISOR)
    r = client.post("/api/v1/insights/simulate", {"hall": "test-hall", "replications": 3}, content_type="application/json")
    assert r.status_code == 200, r.content
    data = r.json()
    assert [lay["code"] for lay in data["layouts"]] == ["department", "comprehensive"]
    dep, comp = data["layouts"]
    assert dep["counters_by_hour"] == comp["counters_by_hour"] == [3] * 8  # equal staff
    assert data["pooling"]["equal_staff"] is True
    assert comp["overall"]["mean_wait"]["mean"] < dep["overall"]["mean_wait"]["mean"]
    for est in dep["overall"].values():
        assert est["low"] <= est["mean"] <= est["high"]


def test_simulate_api_uses_the_example_demand_and_checks_input(client_for):
    client = client_for(Role.SUPERVISOR)
    r = client.post("/api/v1/insights/simulate", {"replications": 2}, content_type="application/json")
    assert r.status_code == 200
    assert [lay["code"] for lay in r.json()["layouts"]] == ["department", "comprehensive", "skill_groups"]
    bad = client.post("/api/v1/insights/simulate", {"demand": {"categories": [{"code": "A", "arrivals_per_hour": "x"}]}},
                      content_type="application/json")
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "categories.0.arrivals_per_hour"
    too_big = client.post("/api/v1/insights/simulate", {"replications": 500}, content_type="application/json")
    assert too_big.status_code == 400 and too_big.json()["errors"][0]["field"] == "replications"


def test_plan_api_returns_windows_per_hour_that_meet_the_target(client_for):
    client = client_for(Role.SUPERVISOR)
    payload = {"demand": {"hours": 4, "categories": [{"code": "A", "arrivals_per_hour": [20, 40, 40, 20],
                                                      "service_minutes": 6}]}, "target_minutes": 10}
    r = client.post("/api/v1/insights/plan", payload, content_type="application/json")
    assert r.status_code == 200, r.content
    plan = r.json()
    assert plan["met"] and len(plan["counters_by_hour"]) == 4
    assert plan["counters_by_hour"][1] > plan["counters_by_hour"][0]  # the peak needs more windows
    assert all(v <= 10 for v in plan["pools"][0]["achieved"])


def test_erlang_c_api_answers_the_formula_and_names_bad_fields(client):
    r = client.get("/api/v1/insights/erlang-c", {"arrivals_per_hour": 32, "service_minutes": 6, "servers": 4})
    assert r.status_code == 200
    assert r.json()["mean_wait_minutes"] == pytest.approx(4.473, abs=1e-3)
    bad = client.get("/api/v1/insights/erlang-c", {"arrivals_per_hour": 32, "service_minutes": 6, "servers": 0})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "servers"


def test_only_planners_may_simulate(client, client_for):
    assert client.post("/api/v1/insights/simulate", {}, content_type="application/json").status_code == 401
    citizen = client_for(Role.CITIZEN)
    assert citizen.post("/api/v1/insights/simulate", {}, content_type="application/json").status_code == 403
    assert citizen.get("/insights/simulation/").status_code == 403


def test_simulation_page_compares_layouts_plans_and_replays(recorded_hall, client_for):
    client = client_for(Role.SUPERVISOR)
    r = client.get("/insights/simulation/", {"source": "test-hall@" + recorded_hall["day"].isoformat(), "reps": 2})
    assert r.status_code == 200
    html = r.content.decode()
    for text in ("方案比较", "部门窗口", "综合窗口", "排班规划", "回放实际的一天", "Erlang C", 'class="chart"'):
        assert text in html
    example = client.get("/insights/simulation/", {"source": "example", "ea": "8", "es": "6", "ec": "1"})
    assert "24.00" in example.content.decode()  # the calculator: Wq of M/M/1 at ρ = 0.8


def test_simulate_command_prints_json_and_text(recorded_hall):
    out = StringIO()
    call_command("simulate", "--demand", "A:8:6,B:8:6", "--department", "1", "--hours", "4", "--replications", "2",
                 "--plan", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["compare"]["pooling"]["equal_staff"] is True
    assert len(data["plan"]["counters_by_hour"]) == 4
    text = StringIO()
    call_command("simulate", "--hall", "test-hall", "--replications", "2", stdout=text)
    assert "department → comprehensive (equal staff)" in text.getvalue()
    replay = StringIO()
    call_command("simulate", "--hall", "test-hall", "--replay", recorded_hall["day"].isoformat(), "--json", stdout=replay)
    assert json.loads(replay.getvalue())["replay"]["recorded"]["replayed"] == len(recorded_hall["tickets"])
    erl = StringIO()
    call_command("simulate", "--erlang", "32,6,4", stdout=erl)
    assert "Wq=4.47" in erl.getvalue()


@pytest.mark.django_db(transaction=True)  # the worker closes and reopens connections
def test_a_heavy_plan_runs_in_the_background_and_the_page_shows_its_progress(recorded_hall, client_for,
                                                                              monkeypatch):
    from django_tasks_db.models import DBTaskResult

    from onewindow.insights.simulation import background, scenarios

    monkeypatch.setattr(scenarios, "INLINE_PLAN_CUSTOMERS", 0)  # every plan is heavy
    client = client_for(Role.SUPERVISOR)
    query = {"source": "test-hall@" + recorded_hall["day"].isoformat(), "reps": 2, "target": 4}
    html = client.get("/insights/simulation/", query).content.decode()
    # the page answers with the comparison and the replay; the plan is queued and its progress polled
    assert "方案比较" in html and "回放实际的一天" in html and 'data-testid="plan"' not in html
    assert 'data-testid="plan-progress"' in html and 'hx-trigger="every 1s"' in html and "正在排队" in html
    tasks = DBTaskResult.objects.filter(task_path="onewindow.insights.tasks.simulation_plan")
    assert tasks.count() == 1
    key = tasks.get().args_kwargs["kwargs"]["key"]
    assert f"/insights/simulation/plan/?key={key.replace(':', '%3A')}" in html
    poll = client.get("/insights/simulation/plan/", {"key": key}).content.decode()
    assert 'data-testid="plan-percent"' in poll and 'value="0"' in poll
    client.get("/insights/simulation/", query)
    assert tasks.count() == 1  # asked again while queued: the same run, not a second one

    reports: list[dict] = []
    save = background.save
    monkeypatch.setattr(background, "save", lambda k, value: (reports.append(value), save(k, value)))
    scenarios._RESULTS.clear()
    call_command("worker", "--batch", "--no-scheduler", "--no-startup-delay", "--interval", "0.01",
                 stdout=StringIO(), stderr=StringIO())
    assert tasks.get().status == "SUCCESSFUL"
    percents = [r["percent"] for r in reports if r["state"] == "running"]
    assert percents == sorted(percents) and any(0 < p < 100 for p in percents)  # it told how far it was
    assert [r["trials"] for r in reports if r["state"] == "running"][-1] >= 1
    assert reports[-1]["state"] == "done" and reports[-1]["percent"] == 100

    done = client.get("/insights/simulation/plan/", {"key": key}).content.decode()
    assert 'data-testid="plan"' in done and "hx-trigger" not in done and 'class="chart"' in done
    again = client.get("/insights/simulation/", query).content.decode()
    assert 'data-testid="plan"' in again and 'data-testid="plan-progress"' not in again and tasks.count() == 1


def test_the_plan_progress_refuses_bad_keys_and_citizens(recorded_hall, client_for):
    client = client_for(Role.SUPERVISOR)
    assert client.get("/insights/simulation/plan/", {"key": "../etc"}).status_code == 400
    assert client.get("/insights/simulation/plan/").status_code == 400
    assert client.get("/insights/simulation/plan/", {"key": "insights:sim-plan:nope"}).status_code == 404
    citizen = client_for(Role.CITIZEN)
    assert citizen.get("/insights/simulation/plan/", {"key": "insights:sim-plan:nope"}).status_code == 403


def test_a_light_plan_is_computed_while_the_page_answers(recorded_hall, client_for):
    from django_tasks_db.models import DBTaskResult

    client = client_for(Role.SUPERVISOR)
    html = client.get("/insights/simulation/", {"source": "test-hall@" + recorded_hall["day"].isoformat(),
                                                "reps": 2}).content.decode()
    assert 'data-testid="plan"' in html and 'data-testid="plan-progress"' not in html
    assert not DBTaskResult.objects.exists()


def test_simulation_charts_are_in_english_on_english_pages(recorded_hall, client_for):
    """Chart titles, axes, series and categories are drawn by the browser from the JSON the page carries: on an
    English page none of it is Chinese (the categories show their English names), on a Chinese page it is."""
    import re

    from django.utils import translation

    from onewindow.catalog.models import WindowCategory
    from tests.i18n.test_english_crawl import chart_texts

    for code in ("A", "B"):
        WindowCategory.objects.filter(code=f"t-{code}").update(name_en=f"Category {code}")
    source = {"source": "test-hall@" + recorded_hall["day"].isoformat(), "reps": 2}
    client = client_for(Role.SUPERVISOR)
    cjk = re.compile(r"[\u4e00-\u9fff]")

    def charts(language):
        html = client.get("/insights/simulation/", source, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        figures = [unescape(f) for f in re.findall(r'data-figure="([^"]*)"', html)]
        return [t for f in figures for t in chart_texts(f)], len(figures)

    english, drawn = charts("en")
    assert drawn >= 4  # layouts, categories, hours, replay (and the plan when it is light)
    assert not [t for t in english if cjk.search(t)]
    with translation.override("en"):
        layouts = {translation.gettext("部门窗口"), translation.gettext("综合窗口")}
    assert layouts | {"Category A", "Category B", "Actual", "minutes", "Replay (actual windows)"} <= set(english)
    chinese, _drawn = charts("zh-hans")
    assert {"部门窗口", "综合窗口", "实际", "分钟"} <= set(chinese)
