"""The reform metrics over the API: GET /api/v1/metrics (mounted at /api/v1/, declared on InsightsConfig)."""

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from onewindow.core.access import Role, allow
from onewindow.insights.metrics import compute_from

router = Router()


class MetricsQuery(Schema):
    from_: str | None = Field(None, alias="from")
    to: str | None = None
    baseline_from: str | None = None
    baseline_to: str | None = None
    scope: str = "all"


@router.get("metrics")
@allow(Role.SUPERVISOR, Role.DEPARTMENT_HEAD)
def get_metrics(request: HttpRequest, params: Query[MetricsQuery]) -> dict[str, Any]:
    query = {"from": params.from_, "to": params.to, "baseline_from": params.baseline_from,
             "baseline_to": params.baseline_to, "scope": params.scope}
    return compute_from(query)
