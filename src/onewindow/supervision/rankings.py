"""Computing a month's rankings: the department scores (scores.py) and the street scores (street_scores.py) are
stored in one transaction, so publishing a month freezes both."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from onewindow.core import clock
from onewindow.core.errors import Conflict
from onewindow.supervision.models import DepartmentScore, RankingPublication
from onewindow.supervision.scores import active_weights, department_scores_build, month_bounds
from onewindow.supervision.street_scores import street_scores_compute


def scores_compute(*, month: dt.date) -> list[DepartmentScore]:
    """(Re)compute and store a month's department scores and ranks, and the street scores.
    A published month is frozen (Conflict)."""
    first, _last = month_bounds(month)
    if RankingPublication.objects.filter(month=first, published=True).exists():
        raise Conflict(_("该月排名已公布，不能重新计算"), field="month")
    weights = active_weights()
    now = clock.now()
    objs = department_scores_build(month=first, weights=weights, now=now)
    with transaction.atomic():
        DepartmentScore.objects.filter(month=first).delete()
        DepartmentScore.objects.bulk_create(objs)
        street_scores_compute(month=first, weights=weights, now=now)  # the street ranking, frozen with this one
    return objs
