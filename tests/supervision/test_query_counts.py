"""List pages and endpoints run a fixed number of queries whatever the number of rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from onewindow.core.access import Role
from onewindow.supervision.models import DepartmentScore, Finding, Notice
from onewindow.supervision.services.notices import notice_create
from tests.supervision import builders as b

pytestmark = pytest.mark.django_db


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as q:
        assert client.get(url).status_code == 200
    return len(q)


def add(n: int) -> None:
    """n more departments, each with an item missing its phone (a finding) and a notice; every other notice goes
    to the hall."""
    h = b.hall()
    start = Notice.objects.count()
    for k in range(start, start + n):
        d = b.department(f"HL-{k:03d}", f"部门{k}", order=k)
        notice_create(source="manual", department_id=d.pk if k % 2 else None, hall_id=None if k % 2 else h.pk,
                      title=f"问题{k}", problem="p", actor=None)
        b.item(d, consult_phone="")
        b.rating(d, "very_satisfied", timezone.now())  # a rating this month: ranked (no data is listed apart)


@pytest.mark.parametrize("url", ["/supervision/notices/?view=all", "/supervision/findings/", "/api/v1/notices",
                                 "/api/v1/findings", "/supervision/", "/supervision/ranking/"])
def test_query_count_does_not_grow_with_the_list(client_for, url) -> None:
    sup = client_for(Role.SUPERVISOR)
    add(2)
    sup.post("/api/v1/monitors/run")
    few = count(sup, url)
    add(8)
    sup.post("/api/v1/monitors/run")
    assert count(sup, url) <= few + 1  # +1: the live ranking may insert instead of nothing
    # the lists really grew (else this test could not fail)
    assert Notice.objects.count() == 10 and Finding.objects.filter(state="open").count() >= 10
    if "ranking" in url:
        assert DepartmentScore.objects.count() == 10
