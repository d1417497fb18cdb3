"""The admin writes suggestion categories and routing rules through feedback's services: every change leaves its
audit entry, and a category suggestions were filed under is not deleted (the admin names what protects it; the
service refuses too)."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from onewindow.core.models import AuditEntry
from onewindow.feedback.models import RoutingRule, Suggestion, SuggestionCategory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client() -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("root", password="pw-for-tests-1"))
    return client


def _form(dept_pk: int, rules: list[dict], initial: int = 0) -> dict:
    data = {"code": "parking", "name": "停车", "group": "服务环境", "description": "", "keywords": "停车",
            "department": str(dept_pk), "due_workdays": "10", "active": "on", "sort_order": "0",
            "rules-TOTAL_FORMS": str(len(rules)), "rules-INITIAL_FORMS": str(initial), "rules-MIN_NUM_FORMS": "0",
            "rules-MAX_NUM_FORMS": "1000"}
    for i, rule in enumerate(rules):
        data |= {f"rules-{i}-{k}": v for k, v in rule.items()}
    return data


def test_a_category_and_its_rules_added_in_the_admin_are_audited(admin_client, dept, other_dept) -> None:
    r = admin_client.post("/admin/feedback/suggestioncategory/add/", _form(dept.pk, [
        {"keyword": "车位", "department": str(other_dept.pk), "priority": "10"}]))
    assert r.status_code == 302, r.content.decode()[:2000]
    category = SuggestionCategory.objects.get(code="parking")
    rule = RoutingRule.objects.get(category=category)
    assert (rule.keyword, rule.department_id) == ("车位", other_dept.pk)
    audited = list(AuditEntry.objects.order_by("id").values_list("action", "target_id"))
    assert audited == [("feedback.category_create", str(category.pk)), ("feedback.routing_rule_create", str(rule.pk))]
    r = admin_client.post(f"/admin/feedback/suggestioncategory/{category.pk}/change/", _form(dept.pk, [
        {"id": str(rule.pk), "category": str(category.pk), "keyword": "车位", "department": str(other_dept.pk),
         "priority": "10", "DELETE": "on"}], initial=1))
    assert r.status_code == 302, r.content.decode()[:2000]
    assert not RoutingRule.objects.filter(pk=rule.pk).exists()
    assert {"feedback.category_update", "feedback.routing_rule_delete"} <= set(
        AuditEntry.objects.values_list("action", flat=True))


def test_a_category_in_use_is_not_deleted_from_the_admin(admin_client, categories) -> None:
    assert Client().post("/api/v1/feedback/suggestions", {"category": "cant-do", "description": "跑了三次",
                                                          "phone": "13812345678"},
                         content_type="application/json").status_code == 201
    used, unused = categories["cant"], categories["other"]
    refused = admin_client.post("/admin/feedback/suggestioncategory/", {
        "action": "delete_selected", "_selected_action": [str(used.pk)], "post": "yes"})
    assert refused.status_code == 200 and "无法删除" in refused.content.decode()  # the admin names what it protects
    assert SuggestionCategory.objects.filter(pk=used.pk).exists() and Suggestion.objects.count() == 1
    deleted = admin_client.post("/admin/feedback/suggestioncategory/", {
        "action": "delete_selected", "_selected_action": [str(unused.pk)], "post": "yes"})
    assert deleted.status_code == 302
    assert not SuggestionCategory.objects.filter(pk=unused.pk).exists()
    assert AuditEntry.objects.filter(action="feedback.category_delete", target_id=str(unused.pk)).exists()


def test_the_category_service_refuses_to_delete_a_category_in_use(categories) -> None:
    from onewindow.core.errors import Conflict
    from onewindow.feedback.services.categories import category_delete

    Client().post("/api/v1/feedback/suggestions", {"category": "cant-do", "description": "跑了三次",
                                                   "phone": "13812345678"}, content_type="application/json")
    with pytest.raises(Conflict):
        category_delete(category=categories["cant"], actor=None)
    assert SuggestionCategory.objects.filter(pk=categories["cant"].pk).exists()
    assert not AuditEntry.objects.filter(action="feedback.category_delete").exists()
