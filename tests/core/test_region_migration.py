"""Existing rows keep their region through the migrations (core 0007–0008, catalog 0007–0008, hall 0008–0009):
a department's region code stays, a blank becomes no region, a code the table lacked gets a region row of its
own; halls are assigned by their code prefix."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from onewindow.catalog.models import Department
from onewindow.core.models import Region
from onewindow.hall.models import Hall

BEFORE = [("core", "0006_dailyjobrun"), ("catalog", "0006_item_events"), ("hall", "0007_derive_event_columns")]


def migrate(targets: list) -> MigrationExecutor:
    MigrationExecutor(connection).migrate(targets)
    return MigrationExecutor(connection)


@pytest.mark.migrations
@pytest.mark.django_db(transaction=True)
def test_departments_and_halls_keep_their_region_through_the_migration() -> None:
    forward = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        apps = migrate(BEFORE).loader.project_state(BEFORE).apps
        dept = apps.get_model("catalog", "Department").objects
        dept.create(code="HL-SCJ", name="湖里区市场监督管理局", region="350206")
        dept.create(code="FA-RSJ", name="福安市人社局", region="")
        dept.create(code="X-1", name="某县某局", region="350322")
        dept.create(code="X-2", name="无区划部门", region="")
        halls = apps.get_model("hall", "Hall").objects
        halls.create(code="huli", name="湖里区行政服务中心")
        halls.create(code="fuan-hr", name="福安市人社综合窗口")
        halls.create(code="other", name="某大厅")
    finally:
        migrate(forward)
    regions = dict(Department.objects.values_list("code", "region_id"))
    assert regions == {"HL-SCJ": "350206", "FA-RSJ": "350981", "X-1": "350322", "X-2": None}
    assert Region.objects.get(code="350322").name == "350322"
    assert Region.objects.get(code="350206").path == "/350000/350200/350206/"
    assert dict(Hall.objects.values_list("code", "region__code")) == {"huli": "350206", "fuan-hr": "350981",
                                                                        "other": None}
