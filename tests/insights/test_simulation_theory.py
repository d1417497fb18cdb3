"""The hall model against queueing theory: Erlang C figures, M/M/c waits, pooling, monotonicity, the planner."""

import pytest

from onewindow.insights.simulation.distributions import ServiceTime
from onewindow.insights.simulation.erlang import erlang_c, erlang_c_metrics, servers_needed
from onewindow.insights.simulation.layouts import comprehensive_layout, department_layout
from onewindow.insights.simulation.model import CategoryDemand, Demand, draw_customers, simulate_once
from onewindow.insights.simulation.planner import evaluate, plan_staffing
from onewindow.insights.simulation.replication import run_layouts


def four_departments(hours: int, rates: tuple[float, ...] = (8.0, 8.0, 8.0, 8.0), minutes: float = 6.0) -> Demand:
    return Demand(categories=tuple(CategoryDemand(code, code, (rate,) * hours, ServiceTime("exponential", mean=minutes))
                                   for code, rate in zip("ABCD", rates, strict=True)))


def test_erlang_c_reproduces_the_reference_pooling_figures():
    separate = erlang_c_metrics(arrivals_per_hour=8, service_minutes=6, servers=1)
    pooled = erlang_c_metrics(arrivals_per_hour=32, service_minutes=6, servers=4)
    assert separate.p_wait == pytest.approx(0.80)
    assert separate.mean_wait_minutes == pytest.approx(24.0)
    assert pooled.p_wait == pytest.approx(0.596, abs=5e-4)
    assert pooled.mean_wait_minutes == pytest.approx(4.47, abs=5e-3)
    assert erlang_c_metrics(arrivals_per_hour=36, service_minutes=6, servers=4).mean_wait_minutes == pytest.approx(11.8, abs=0.05)
    assert erlang_c_metrics(arrivals_per_hour=16, service_minutes=6, servers=2).mean_wait_minutes == pytest.approx(10.7, abs=0.05)
    assert erlang_c_metrics(arrivals_per_hour=80, service_minutes=6, servers=10).mean_wait_minutes == pytest.approx(1.23, abs=0.01)
    unequal = [erlang_c_metrics(arrivals_per_hour=r, service_minutes=6, servers=1).mean_wait_minutes for r in (9.5, 8, 8, 6.5)]
    assert [round(w) for w in unequal] == [114, 24, 24, 11]
    assert sum(w * r for w, r in zip(unequal, (9.5, 8, 8, 6.5), strict=True)) / 32 == pytest.approx(48, abs=0.5)


def test_erlang_c_edge_cases_are_defined():
    assert erlang_c(4, 0.0) == 0.0
    assert erlang_c(4, 4.0) == 1.0  # overloaded: everybody waits
    overloaded = erlang_c_metrics(arrivals_per_hour=60, service_minutes=6, servers=4)
    assert not overloaded.stable and overloaded.as_dict()["mean_wait_minutes"] is None
    assert servers_needed(arrivals_per_hour=32, service_minutes=6, target_p90_minutes=10) == 5
    assert servers_needed(arrivals_per_hour=0, service_minutes=6) == 0


def test_simulated_mm4_mean_wait_agrees_with_erlang_c_within_two_percent():
    # M/M/4, λ = 32/h, 6 min service (ρ = 0.8): four replications of ~102,000 customers (seeds 1–4).
    # At this load the standard error of the mean wait is still about 1.5%; seed 1 is the first we tried.
    demand = four_departments(hours=3200)
    result = run_layouts(demand, [comprehensive_layout(demand, 4)], replications=4, seed=1, warmup_minutes=120)[0]
    simulated = result.estimate("mean_wait")
    theory = erlang_c_metrics(arrivals_per_hour=32, service_minutes=6, servers=4)
    assert abs(simulated.mean - theory.mean_wait_minutes) / theory.mean_wait_minutes < 0.02, (simulated, theory)
    assert simulated.low <= theory.mean_wait_minutes <= simulated.high
    assert result.estimate("p_wait").mean == pytest.approx(theory.p_wait, rel=0.02)
    assert result.overall_utilisation().mean == pytest.approx(0.8, abs=0.01)


def test_separate_department_windows_wait_about_five_times_longer_than_pooled_ones_at_equal_staff():
    demand = four_departments(hours=600)
    dep, comp = run_layouts(demand, [department_layout(demand, 1), comprehensive_layout(demand, 4)], replications=2,
                            seed=7, warmup_minutes=120)
    ratio = dep.estimate("mean_wait").mean / comp.estimate("mean_wait").mean
    assert 4.0 < ratio < 7.0  # theory: 24.0 / 4.47 = 5.4
    for code in "ABCD":  # every department's queue is worse off alone
        assert dep.estimate("mean_wait", code).mean > 2 * comp.estimate("mean_wait", code).mean


def test_more_windows_never_worsen_waiting_with_common_random_numbers():
    demand = four_departments(hours=9, rates=(9.5, 8, 8, 6.5))
    for seed in range(1, 6):
        people = draw_customers(demand, seed)
        waits = []
        for windows in range(3, 9):
            run = simulate_once(demand, comprehensive_layout(demand, windows), seed, customers=people)
            served = [c.called - c.arrival for c in run.customers if c.called is not None]
            assert len(served) == len(people)
            waits.append(sum(served) / len(served))
        assert all(a >= b - 1e-9 for a, b in zip(waits, waits[1:], strict=False)), waits
        # adding a window to one department never hurts anyone
        base = simulate_once(demand, department_layout(demand, 1), seed, customers=people)
        more = simulate_once(demand, department_layout(demand, {"A": 2, "B": 1, "C": 1, "D": 1}), seed, customers=people)
        assert sum(c.called - c.arrival for c in more.customers) <= sum(c.called - c.arrival for c in base.customers)


def test_planner_finds_the_fewest_windows_that_meet_the_target():
    demand = four_departments(hours=8, rates=(9.5, 8, 8, 6.5))
    template = comprehensive_layout(demand, 1)
    plan = plan_staffing(demand, template, target_minutes=10, replications=3, seed=3)
    assert plan.met
    assert all(v <= 10 for v in plan.hour_metric["all"])
    crowds = [draw_customers(demand, 3 + r) for r in range(3)]
    staffing = list(plan.layout.pools[0].staffing)
    for h in range(len(staffing)):  # one window fewer in any hour misses the target
        if staffing[h] == 0:
            continue
        fewer = staffing.copy()
        fewer[h] -= 1
        achieved = evaluate(demand, template.with_staffing({"all": tuple(fewer)}), crowds, "p90_wait")["all"]
        assert max(achieved) > 10, (h, fewer, achieved)
    looser = plan_staffing(demand, template, target_minutes=20, replications=3, seed=3)
    stricter = plan_staffing(demand, template, target_minutes=5, replications=3, seed=3)
    assert stricter.counter_hours >= plan.counter_hours >= looser.counter_hours
    assert looser.counter_hours < stricter.counter_hours


def test_abandonment_and_no_shows_are_counted():
    demand = Demand(categories=(CategoryDemand("A", "A", (40.0,) * 6, ServiceTime("lognormal", mean=6, cv=0.8)),),
                    no_show_share=0.1, patience_minutes=10)
    result = run_layouts(demand, [comprehensive_layout(demand, 3)], replications=3, seed=2)[0]
    assert 0.05 < result.estimate("no_show").mean < 0.15
    assert result.estimate("abandonment").mean > 0.1  # 3 windows for a load of 4: people give up
    patient = Demand(categories=demand.categories, no_show_share=0.1)
    assert run_layouts(patient, [comprehensive_layout(patient, 3)], replications=3, seed=2)[0].estimate("abandonment").mean == 0
