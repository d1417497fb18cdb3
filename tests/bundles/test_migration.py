"""Moving the bundles out of the catalog keeps every row: a database from before the move, filled with the
historical models, migrates forward with its bundles, questions, options, materials, fields, permissions and
the applications and cases made from them intact.

Migrating backward and forward takes a few seconds: the test is marked `migrations` so that a quick run can
leave it out (`-m "not migrations"`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.apps import apps as current_apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# The last migrations before bundles became an app of their own.
BEFORE_THE_MOVE = [("catalog", "0003_item_handling_department_history_actor"),
                   ("cases", "0003_application_idempotency_fingerprint"), ("bundles", None)]
AT = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)

pytestmark = [pytest.mark.migrations, pytest.mark.django_db(transaction=True)]


def _migrate(targets: list[tuple[str, str | None]]) -> Any:
    """Migrate to `targets`; return the historical apps at that state."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    applied = [key for key in executor.recorder.applied_migrations() if key in executor.loader.graph.nodes]
    return executor.loader.project_state(applied).apps


def _fill_before_the_move(old: Any) -> dict[str, int]:
    """A bundle with every kind of row, its content types and a permission, and an application with cases."""
    department = old.get_model("catalog", "Department").objects.create(code="M-RSJ", name="迁移测试人社局")
    category = old.get_model("catalog", "WindowCategory").objects.create(code="m-hr", name="人社综合")
    item_model = old.get_model("catalog", "ServiceItem")
    first = item_model.objects.create(code="M-001", name="迁移事项甲", department=department, promised_limit=5,
                                      legal_limit=20, status="published")
    second = item_model.objects.create(code="M-002", name="迁移事项乙", department=department, promised_limit=8,
                                       legal_limit=20, status="published")
    id_card = old.get_model("catalog", "CanonicalMaterial").objects.create(code="m_id", name="迁移身份证")
    proof = old.get_model("catalog", "CanonicalMaterial").objects.create(code="m_proof", name="迁移证明")
    old.get_model("catalog", "ItemMaterial").objects.create(item=first, material=id_card, copies=1)

    bundle = old.get_model("catalog", "Bundle").objects.create(
        code="M-RETIRE", name="迁移退休一件事", lead_department=department, window_category=category, visits=1,
        aliases="退休", status="published")
    old.get_model("catalog", "BundleItem").objects.create(bundle=bundle, item=first, always=True, order=1)
    old.get_model("catalog", "BundleItem").objects.create(bundle=bundle, item=second, always=False, order=2)
    question_model = old.get_model("catalog", "Question")
    option_model = old.get_model("catalog", "Option")
    soe = question_model.objects.create(bundle=bundle, key="is_soe", text="是否国有企业", order=1)
    yes = option_model.objects.create(question=soe, key="yes", label="是", order=1)
    option_model.objects.create(question=soe, key="no", label="否", order=2)
    yes.items.add(second)
    kind = question_model.objects.create(bundle=bundle, key="soe_kind", text="国企类型", order=2, shown_when=yes)
    option_model.objects.create(question=kind, key="local", label="地方国企", order=1)
    old.get_model("catalog", "OptionMaterial").objects.create(option=yes, material=proof, item=second, copies=1)
    field_model = old.get_model("catalog", "FormField")
    field_model.objects.create(item=first, key="name", label="姓名")
    field_model.objects.create(option=yes, key="soe_name", label="国有企业名称")

    # the content types and a permission as `migrate` left them before the move (migrating back has already
    # returned the test database's own ones to the catalog)
    content_type = old.get_model("contenttypes", "ContentType")
    bundle_type, _ = content_type.objects.get_or_create(app_label="catalog", model="bundle")
    for model in ("bundleitem", "question", "option", "optionmaterial", "formfield"):
        content_type.objects.get_or_create(app_label="catalog", model=model)
    permission, _ = old.get_model("auth", "Permission").objects.get_or_create(
        content_type=bundle_type, codename="change_bundle", defaults={"name": "Can change 一件事"})
    old.get_model("auth", "Group").objects.create(name="迁移测试组").permissions.add(permission)

    applicant = old.get_model("cases", "Applicant").objects.create(name="张三", id_number="350981199001011234", created_at=AT)
    application = old.get_model("cases", "Application").objects.create(
        number="M20261102001", kind="bundle", code=bundle.code, name=bundle.name, channel="online",
        answers={"is_soe": ["yes"], "soe_kind": ["local"]}, applicant=applicant, submitted_at=AT)
    case_model = old.get_model("cases", "Case")
    for n, item in enumerate((first, second), start=1):
        case_model.objects.create(number=f"M20261102001-{n}", application=application, item=item,
                                  item_code=item.code, item_name=item.name, department=department,
                                  promised_limit=item.promised_limit, received_at=AT, updated_at=AT)
    return {"bundle": bundle.pk, "first": first.pk, "second": second.pk, "yes": yes.pk, "kind": kind.pk,
            "bundle_type": bundle_type.pk, "permission": permission.pk, "application": application.pk}


def _table_counts() -> dict[str, int]:
    tables = ("catalog_bundle", "catalog_bundleitem", "catalog_question", "catalog_option", "catalog_option_items",
              "catalog_optionmaterial", "catalog_formfield", "cases_application", "cases_case")
    with connection.cursor() as cursor:
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # the fixed names above, no input
            counts[table] = cursor.fetchone()[0]
    return counts


def test_moving_bundles_to_their_own_app_keeps_every_row_relation_and_permission() -> None:
    old = _migrate(BEFORE_THE_MOVE)
    ids = _fill_before_the_move(old)
    before = _table_counts()

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert _table_counts() == before
    from django.contrib.auth.models import Group
    from django.contrib.contenttypes.models import ContentType

    from onewindow.bundles.models import Bundle, Option, Question
    from onewindow.bundles.notice import bundle_notice
    from onewindow.cases.models import Application

    ContentType.objects.clear_cache()
    bundle = Bundle.objects.get(pk=ids["bundle"])
    assert (bundle.code, bundle.lead_department.code, bundle.window_category.code) == ("M-RETIRE", "M-RSJ", "m-hr")
    assert [(bi.item_id, bi.always) for bi in bundle.bundle_items.order_by("order")] == [
        (ids["first"], True), (ids["second"], False)]
    yes = Option.objects.get(pk=ids["yes"])
    assert list(yes.items.values_list("pk", flat=True)) == [ids["second"]]
    assert Question.objects.get(pk=ids["kind"]).shown_when_id == yes.pk
    assert [(om.material.code, om.item_id) for om in yes.extra_materials.all()] == [("m_proof", ids["second"])]
    assert list(yes.form_fields.values_list("key", flat=True)) == ["soe_name"]
    # the answers stored on the application still give the same notice from the moved tables
    application = Application.objects.get(pk=ids["application"])
    notice = bundle_notice(bundle_code=application.code, answers=application.answers)
    assert [i.code for i in notice.items] == ["M-001", "M-002"]
    assert {m.code for m in notice.materials} == {"m_id", "m_proof"}
    assert [f.key for f in notice.fields] == ["name", "soe_name"]
    assert sorted(application.cases.values_list("item__code", flat=True)) == ["M-001", "M-002"]

    # the permission kept its id and now belongs to the bundles app; the group still holds it
    bundle_type = ContentType.objects.get_for_model(Bundle)
    assert (bundle_type.pk, bundle_type.app_label) == (ids["bundle_type"], "bundles")
    assert not ContentType.objects.filter(app_label="catalog", model__in=["bundle", "question", "option"]).exists()
    group = Group.objects.get(name="迁移测试组")
    assert list(group.permissions.values_list("pk", "content_type__app_label")) == [(ids["permission"], "bundles")]
    assert current_apps.get_model("bundles", "Bundle") is Bundle
