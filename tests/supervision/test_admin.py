"""The admin writes through supervision's services: every change leaves its audit entry, and what the services
refuse (deleting the weights in use) is refused in the admin too, with a message instead of an error page; a
checklist point an inspection used is never deleted; choosing the weights in use sets the previous ones aside."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from onewindow.core.models import AuditEntry
from onewindow.supervision.models import ChecklistPoint, ChecklistTemplate, ScoreWeights
from onewindow.supervision.services.inspections import inspection_start
from tests.supervision import builders as b

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client() -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("root", password="pw-for-tests-1"))
    return client


def inline(rows: list[dict], initial: int = 0) -> dict:
    data = {"points-TOTAL_FORMS": str(len(rows)), "points-INITIAL_FORMS": str(initial),
            "points-MIN_NUM_FORMS": "0", "points-MAX_NUM_FORMS": "1000"}
    for i, row in enumerate(rows):
        data |= {f"points-{i}-{k}": v for k, v in row.items()}
    return data


def test_a_template_and_its_points_added_in_the_admin_are_audited(admin_client) -> None:
    r = admin_client.post("/admin/supervision/checklisttemplate/add/", {
        "code": "daily", "name": "大厅日常检查", "description": "", "active": "on",
        **inline([{"order": "1", "group": "attire", "code": "badge", "text": "佩戴工作牌", "guidance": ""},
                  {"order": "2", "group": "fees", "code": "fees", "text": "收费公示", "guidance": ""}])})
    assert r.status_code == 302, r.content.decode()[:2000]
    template = ChecklistTemplate.objects.get(code="daily")
    assert list(template.points.values_list("code", flat=True)) == ["badge", "fees"]
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"supervision.checklist_template_create", "supervision.checklist_point_create"} <= actions
    assert AuditEntry.objects.filter(action="supervision.checklist_point_create").count() == 2


def test_a_point_an_inspection_used_is_not_deleted_from_the_admin(admin_client) -> None:
    t = ChecklistTemplate.objects.create(code="daily", name="大厅日常检查")
    used = ChecklistPoint.objects.create(template=t, group="attire", code="badge", text="佩戴工作牌", order=1)
    inspection_start(hall_id=b.hall().pk, template_code="daily", actor=None)
    r = admin_client.post(f"/admin/supervision/checklisttemplate/{t.pk}/change/", {
        "code": "daily", "name": "大厅日常检查", "description": "", "active": "on",
        **inline([{"id": str(used.pk), "template": str(t.pk), "order": "1", "group": "attire", "code": "badge",
                   "text": "佩戴工作牌", "guidance": "", "DELETE": "on"}], initial=1)}, follow=True)
    assert r.status_code == 200 and "errornote" in r.content.decode()  # the form comes back with the refusal
    assert ChecklistPoint.objects.filter(pk=used.pk).exists()


def test_weights_are_saved_through_the_service_and_the_ones_in_use_are_not_deleted(admin_client) -> None:
    active = ScoreWeights.objects.create(name="默认权重")
    r = admin_client.post(f"/admin/supervision/scoreweights/{active.pk}/change/", {
        "name": "默认权重", "active": "on", "on_time": "40", "satisfaction": "25", "rectification": "20",
        "notices": "15", "instant": "0", "inspection": "35", "notice_penalty": "10"})
    assert r.status_code == 302
    active.refresh_from_db()
    assert active.on_time == 40 and active.instant == 0 and active.inspection == 35
    assert AuditEntry.objects.filter(action="supervision.score_weights_update", target_id=str(active.pk)).exists()
    r = admin_client.post(f"/admin/supervision/scoreweights/{active.pk}/delete/", {"post": "yes"}, follow=True)
    assert ScoreWeights.objects.filter(pk=active.pk).exists() and "不能删除" in r.content.decode()
    spare = ScoreWeights.objects.create(name="备用", active=False)
    admin_client.post(f"/admin/supervision/scoreweights/{spare.pk}/delete/", {"post": "yes"})
    assert not ScoreWeights.objects.filter(pk=spare.pk).exists()
    assert AuditEntry.objects.filter(action="supervision.score_weights_delete").count() == 1


def test_the_admin_action_puts_the_chosen_weights_in_use_and_sets_the_others_aside(admin_client) -> None:
    old = ScoreWeights.objects.create(name="默认权重")
    new = ScoreWeights.objects.create(name="只看按时办结", active=False, on_time=1, satisfaction=0, rectification=0,
                                      notices=0, instant=0)
    r = admin_client.post("/admin/supervision/scoreweights/", {"action": "activate", "_selected_action": [new.pk]})
    assert r.status_code == 302
    assert list(ScoreWeights.objects.filter(active=True).values_list("name", flat=True)) == ["只看按时办结"]
    old.refresh_from_db()
    assert old.active is False
    assert AuditEntry.objects.filter(action="supervision.score_weights_activate", target_id=str(new.pk)).exists()
    both = admin_client.post("/admin/supervision/scoreweights/", {"action": "activate",
                                                                  "_selected_action": [old.pk, new.pk]}, follow=True)
    assert "请只选择一套权重" in both.content.decode()
    assert list(ScoreWeights.objects.filter(active=True).values_list("name", flat=True)) == ["只看按时办结"]
