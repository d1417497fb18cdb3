"""The configuration of the citizen's voice, edited in the admin: suggestion categories (also the Open311
services) and their routing rules. Each write leaves its audit entry; a category suggestions were filed under is
never deleted (make it inactive instead)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from onewindow.core.actors import Actor
from onewindow.core.audit import audit_log
from onewindow.core.errors import Conflict, ServiceError
from onewindow.feedback.models import RoutingRule, SuggestionCategory


def category_save(*, category: SuggestionCategory, actor: Actor) -> SuggestionCategory:
    """Create or change a category (its code, name, default unit, due time, whether it is in use)."""
    if not category.code or not category.name:
        raise ServiceError(_("请填写类别编码和名称"), field="code" if not category.code else "name")
    with transaction.atomic():
        created = category.pk is None
        category.save()
        audit_log(actor=actor, action="feedback.category_" + ("create" if created else "update"), target=category,
                  detail={"code": category.code, "active": category.active,
                          "department": category.department_id, "due_workdays": category.due_workdays})
    return category


def category_delete(*, category: SuggestionCategory, actor: Actor) -> None:
    """Remove a category nothing was filed under (one in use can only be made inactive)."""
    if category.suggestions.exists():
        raise Conflict(_("该类别下已有意见建议，不能删除；请改为停用"), field="category")
    with transaction.atomic():
        audit_log(actor=actor, action="feedback.category_delete", target=category, detail={"code": category.code})
        category.delete()


def routing_rule_save(*, rule: RoutingRule, actor: Actor) -> RoutingRule:
    """Add or change a routing rule (keyword → responsible unit, lowest priority first)."""
    with transaction.atomic():
        created = rule.pk is None
        rule.save()
        audit_log(actor=actor, action="feedback.routing_rule_" + ("create" if created else "update"), target=rule,
                  detail={"category": rule.category_id, "keyword": rule.keyword, "department": rule.department_id,
                          "priority": rule.priority})
    return rule


def routing_rule_delete(*, rule: RoutingRule, actor: Actor) -> None:
    with transaction.atomic():
        audit_log(actor=actor, action="feedback.routing_rule_delete", target=rule,
                  detail={"category": rule.category_id, "keyword": rule.keyword, "department": rule.department_id})
        rule.delete()
