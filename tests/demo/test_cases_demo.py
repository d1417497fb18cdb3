"""The cases demo reproduces the seed's Fu'an figures — since 2021, 企业招用员工 20, 解除终止劳动合同 15, 失业 23,
事业单位聘用 26 and 申领社会保障卡 11,000 "one thing" applications — counted from the rows it writes, in the shape
the cases services write them (each event correlated with its application); loading it again changes nothing.
(One test: the demo takes a while.)"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Count, F, OuterRef, Subquery

from onewindow.cases.models import Application, Case, CaseEvent, CaseStatus
from onewindow.core import clock
from onewindow.demo import bundles as bundles_demo
from onewindow.demo import cases as cases_demo
from onewindow.demo import catalog as catalog_demo
from onewindow.demo import logins

pytestmark = pytest.mark.once_on_sqlite  # see scripts/test.sh

ON = dt.datetime(2026, 11, 20, 12)
SEED = {"fa-hire-staff": 20, "fa-terminate": 15, "fa-unemployment": 23, "fa-public-hire": 26, "fa-ss-card": 11000}


def _since_2021() -> dict[str, int]:
    rows = (Application.objects.filter(kind="bundle", code__in=SEED, submitted_at__date__gte=dt.date(2021, 1, 1))
            .values("code").annotate(n=Count("id")))
    return {row["code"]: row["n"] for row in rows}


@pytest.mark.django_db
def test_the_demo_reproduces_the_seeds_fuan_volumes_as_the_services_shape_them(db: None) -> None:
    logins.load()
    catalog_demo.load()
    bundles_demo.load()
    with clock.frozen(ON):
        cases_demo.load()

    assert _since_2021() == SEED
    # before the reform (2020) Fu'an's items were applied for one by one
    assert Application.objects.filter(kind="item", submitted_at__year=2020).exists()
    assert not Application.objects.filter(kind="bundle", submitted_at__year=2020).exists()
    # every open state has cases for the worklist, and every event belongs to its application
    states = set(Case.objects.values_list("status", flat=True).distinct())
    assert {CaseStatus.RECEIVED, CaseStatus.SUPPLEMENT, CaseStatus.UNDER_REVIEW, CaseStatus.SPECIAL_PROCEDURE,
            CaseStatus.APPROVED, CaseStatus.DELIVERED} <= states
    assert not CaseEvent.objects.exclude(correlation=F("case__application__number")).exists()
    # each case's history reads in order and ends in the state the case is in
    last = CaseEvent.objects.filter(case=OuterRef("pk")).order_by("-at", "-id").values("to_status")[:1]
    assert not Case.objects.annotate(last=Subquery(last)).exclude(last=F("status")).exists()
    with clock.frozen(ON):
        assert not CaseEvent.objects.filter(at__gt=clock.now()).exists()  # nothing happened after the load
    assert not Case.objects.exclude(number__startswith="BJ").exists()
    counts = (Application.objects.count(), Case.objects.count(), CaseEvent.objects.count())

    with clock.frozen(ON):
        cases_demo.load()  # a second run finds the demo loaded
    assert (Application.objects.count(), Case.objects.count(), CaseEvent.objects.count()) == counts
