"""Feedback's event tables move onto the shared base `onewindow.core.events.AppendOnlyEvent`.

Written by hand so that every table and every row stays. Columns that mean the same are renamed: a rating
event's `kind` becomes `action` and its `detail` becomes `data`; a rectification's and a suggestion's
`from_state`/`to_state` become `from_status`/`to_status` and `note` becomes `reason`; a suggestion event's
`detail` becomes `data`. Widths grow to the base's (action 40, statuses 20). The new columns (`actor_label`,
`correlation`; `reason`, `from_status`, `to_status` on rating events; `data` on rectification events) are added
with their defaults, and `actor_label` is derived from each row's actor as `core.actors.actor_label` names it
(the display name, else the username).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

EVENT_TABLES = ("ratingevent", "rectificationevent", "suggestionevent")


def derive_actor_labels(apps, schema_editor):  # noqa: ANN001, ANN201
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    Profile = apps.get_model("core", "Profile")
    names = dict(Profile.objects.exclude(display_name="").values_list("user_id", "display_name"))
    for table in EVENT_TABLES:
        model = apps.get_model("feedback", table)
        actor_ids = set(model.objects.filter(actor__isnull=False).values_list("actor_id", flat=True).distinct())
        for user_id, username in User.objects.filter(pk__in=actor_ids).values_list("pk", "username"):
            model.objects.filter(actor_id=user_id).update(actor_label=names.get(user_id) or username)


def _base_columns(model_name: str) -> list:
    """The columns every event table has, altered or added to the base's definitions."""
    return [
        migrations.AlterField(model_name=model_name, name="at", field=models.DateTimeField(verbose_name="时间")),
        migrations.AlterField(
            model_name=model_name, name="actor",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="操作人")),
        migrations.AddField(model_name=model_name, name="actor_label",
                            field=models.CharField(blank=True, max_length=150, verbose_name="操作人名称")),
        migrations.AddField(model_name=model_name, name="correlation",
                            field=models.CharField(blank=True, max_length=80, verbose_name="关联号")),
        migrations.AlterModelOptions(name=model_name, options={"ordering": ["at", "id"]}),
    ]


def _status(model_name: str, operation: type) -> list:
    return [operation(model_name=model_name, name=name,
                      field=models.CharField(blank=True, max_length=20, verbose_name=label))
            for name, label in (("from_status", "原状态"), ("to_status", "新状态"))]


def _action(model_name: str) -> migrations.AlterField:
    return migrations.AlterField(model_name=model_name, name="action",
                                 field=models.CharField(max_length=40, verbose_name="动作"))


def _reason(model_name: str, operation: type) -> migrations.operations.base.Operation:
    return operation(model_name=model_name, name="reason", field=models.TextField(blank=True, verbose_name="理由/说明"))


def _data(model_name: str, operation: type) -> migrations.operations.base.Operation:
    return operation(model_name=model_name, name="data",
                     field=models.JSONField(blank=True, default=dict, verbose_name="数据"))


class Migration(migrations.Migration):

    dependencies = [
        ("feedback", "0004_reattribute_application_ratings"),
        ("core", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # rating events: kind → action, detail → data
        migrations.RenameField(model_name="ratingevent", old_name="kind", new_name="action"),
        migrations.RenameField(model_name="ratingevent", old_name="detail", new_name="data"),
        _action("ratingevent"),
        _data("ratingevent", migrations.AlterField),
        _reason("ratingevent", migrations.AddField),
        *_status("ratingevent", migrations.AddField),
        *_base_columns("ratingevent"),
        # rectification events: from_state/to_state → from_status/to_status, note → reason
        migrations.RenameField(model_name="rectificationevent", old_name="from_state", new_name="from_status"),
        migrations.RenameField(model_name="rectificationevent", old_name="to_state", new_name="to_status"),
        migrations.RenameField(model_name="rectificationevent", old_name="note", new_name="reason"),
        _action("rectificationevent"),
        *_status("rectificationevent", migrations.AlterField),
        _reason("rectificationevent", migrations.AlterField),
        _data("rectificationevent", migrations.AddField),
        *_base_columns("rectificationevent"),
        # suggestion events: from_state/to_state → from_status/to_status, note → reason, detail → data
        migrations.RenameField(model_name="suggestionevent", old_name="from_state", new_name="from_status"),
        migrations.RenameField(model_name="suggestionevent", old_name="to_state", new_name="to_status"),
        migrations.RenameField(model_name="suggestionevent", old_name="note", new_name="reason"),
        migrations.RenameField(model_name="suggestionevent", old_name="detail", new_name="data"),
        _action("suggestionevent"),
        *_status("suggestionevent", migrations.AlterField),
        _reason("suggestionevent", migrations.AlterField),
        _data("suggestionevent", migrations.AlterField),
        *_base_columns("suggestionevent"),
        migrations.RunPython(derive_actor_labels, migrations.RunPython.noop),
    ]
