"""The hall simulation over the API, mounted at /api/v1/insights/ (declared on InsightsConfig): the Erlang C
calculator, layouts compared by simulation, the staffing planner, the replay of a recorded day, the halls with
recorded periods."""

import datetime as dt

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from onewindow.core.access import PUBLIC, Role, allow
from onewindow.core.errors import ServiceError
from onewindow.insights.simulation import scenarios
from onewindow.insights.simulation.layouts import COMPREHENSIVE, DEPARTMENT, SKILL_GROUPS

router = Router()

PLANNERS = (Role.SUPERVISOR, Role.DEPARTMENT_HEAD)


class ErlangIn(Schema):
    arrivals_per_hour: float
    service_minutes: float
    servers: int
    target_minutes: float = 10.0


class DemandIn(Schema):
    """Either a demand entered by hand, or a hall whose recorded ticket events give it ("huli", or a period
    "huli@2019-10-25" from GET halls); neither: the Fu'an HR example."""

    demand: dict | None = None
    hall: str | None = None
    days: int = 20


class SimulateIn(DemandIn):
    layouts: list[str] = [DEPARTMENT, COMPREHENSIVE, SKILL_GROUPS]
    department: dict[str, int | list[int]] | int | None = None
    comprehensive: int | list[int] | None = None
    groups: dict[str, list[str]] | None = None
    group_staffing: dict[str, int | list[int]] | int | None = None
    service_factor: float = 1.0
    replications: int = 5
    seed: int = 1


class PlanIn(DemandIn):
    layout: str = COMPREHENSIVE
    groups: dict[str, list[str]] | None = None
    target_minutes: float = 10.0
    metric: str = "p90_wait"
    replications: int = 3
    seed: int = 1


class ReplayIn(Schema):
    hall: str
    day: dt.date


def _demand(payload: DemandIn) -> tuple:
    if payload.hall:
        demand, _period, staffing = scenarios.hall_demand(payload.hall, payload.days)
        return demand, staffing
    if payload.demand:
        return scenarios.demand_from_dict(payload.demand), None
    return scenarios.example_demand(), scenarios.example_department_staffing()


@router.get("erlang-c")
@allow(PUBLIC)
def erlang_c(request: HttpRequest, params: Query[ErlangIn]) -> dict:
    return scenarios.erlang(arrivals_per_hour=params.arrivals_per_hour, service_minutes=params.service_minutes,
                            servers=params.servers, target_minutes=params.target_minutes)


@router.post("simulate")
@allow(*PLANNERS)
def simulate(request: HttpRequest, payload: SimulateIn) -> dict:
    demand, example_staffing = _demand(payload)
    unknown = set(payload.layouts) - {DEPARTMENT, COMPREHENSIVE, SKILL_GROUPS}
    if unknown or not payload.layouts:
        raise ServiceError(_("方案应为 department、comprehensive 或 skill_groups"), field="layouts")
    groups = payload.groups
    if groups is None and not payload.hall and not payload.demand:
        groups = scenarios.EXAMPLE_GROUPS
    layouts = scenarios.layouts_for(
        demand, department=payload.department if payload.department is not None else example_staffing,
        comprehensive=payload.comprehensive, groups=groups, group_staffing=payload.group_staffing,
        kinds=tuple(payload.layouts), service_factor=payload.service_factor)
    return scenarios.compare(demand, layouts, replications=payload.replications, seed=payload.seed)


@router.post("plan")
@allow(*PLANNERS)
def plan(request: HttpRequest, payload: PlanIn) -> dict:
    demand, example_staffing = _demand(payload)
    if payload.layout not in (DEPARTMENT, COMPREHENSIVE, SKILL_GROUPS):
        raise ServiceError(_("方案应为 department、comprehensive 或 skill_groups"), field="layout")
    groups = payload.groups or (scenarios.EXAMPLE_GROUPS if not payload.hall and not payload.demand else None)
    if payload.layout == SKILL_GROUPS and not groups:
        raise ServiceError(_("分组综合窗口需要填写分组"), field="groups")
    layout = scenarios.layouts_for(demand, groups=groups, kinds=(payload.layout,))[0]
    return scenarios.plan(demand, layout, target_minutes=payload.target_minutes, metric=payload.metric,
                          replications=payload.replications, seed=payload.seed)


@router.get("replay")
@allow(*PLANNERS)
def replay(request: HttpRequest, params: Query[ReplayIn]) -> dict:
    return scenarios.replay(params.hall, params.day)


@router.get("halls")
@allow(*PLANNERS)
def halls(request: HttpRequest) -> list[dict]:
    from onewindow.insights.simulation.hallsource import hall_periods

    return [{"key": p.key, "hall": p.hall_code, "name": p.hall_name, "label": p.label, "categories": sorted(p.categories),
             "days": [d.isoformat() for d in p.days]} for p in hall_periods()]
