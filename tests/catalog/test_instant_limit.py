"""即办件 measured against the seed's 30-minute service limit: the share of on-the-spot cases done within 30
minutes of acceptance; no completed case is "no data", never 0%."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from onewindow.cases.instant import instant_within_limit
from onewindow.cases.models import Applicant, Application, Case, CaseEvent
from onewindow.catalog.models import Department, ServiceItem

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 11, 2, 9, 0, tzinfo=timezone.get_default_timezone())


def _case(item: ServiceItem, n: int, *, accepted_after: int | None, done_after: int) -> Case:
    applicant = Applicant.objects.create(kind="person", name="林晓梅", id_number=f"35098119900101{n:04d}",
                                         created_at=T0)
    app = Application.objects.create(number=f"SQ2026110200{n:02d}", kind="item", code=item.code, name=item.name, channel="window",
                                     applicant=applicant, submitted_at=T0)
    case = Case.objects.create(number=f"BJ2026110200{n:02d}-01", application=app, item=item, item_code=item.code,
                               item_name=item.name, department=item.department, handling_type="1",
                               promised_limit=0, status="completed", received_at=T0, updated_at=T0,
                               completed_at=T0 + dt.timedelta(minutes=done_after))
    if accepted_after is not None:
        CaseEvent.objects.create(case=case, at=T0 + dt.timedelta(minutes=accepted_after), action="accept",
                                 from_status="received", to_status="accepted")
    return case


def test_the_share_of_on_the_spot_cases_done_within_30_minutes_of_acceptance() -> None:
    dept = Department.objects.create(code="FA-JYZX", name="福安市劳动就业中心")
    item = ServiceItem.objects.create(name="失业登记", code="T-UNEMP", department=dept, handling_type="1",
                                      promised_limit=0, status="published")
    assert instant_within_limit(item_ids=[item.pk]).share is None  # no data, not 0%
    assert "30 分钟内办结：暂无数据" in Client().get("/catalog/items/T-UNEMP/").content.decode()
    _case(item, 1, accepted_after=0, done_after=20)     # 20 minutes: within
    _case(item, 2, accepted_after=60, done_after=85)    # waited an hour to be accepted, then 25 minutes: within
    _case(item, 3, accepted_after=0, done_after=45)     # 45 minutes: over
    _case(item, 4, accepted_after=None, done_after=30)  # from reception, exactly 30: within
    got = instant_within_limit(item_ids=[item.pk])
    assert (got.completed, got.within_limit, got.limit_minutes) == (4, 3, 30) and got.share == 0.75
    assert instant_within_limit(department_ids=[dept.pk]).within_limit == 3
    assert instant_within_limit(department_ids=[dept.pk + 1]).completed == 0
    assert "30 分钟内办结 3/4 件" in Client().get("/catalog/items/T-UNEMP/").content.decode()
