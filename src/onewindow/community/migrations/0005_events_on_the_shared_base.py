"""The community's event tables move onto the shared base `onewindow.core.events.AppendOnlyEvent`.

Written by hand so that every table and every row stays: `note` is renamed to `reason` (the same column, widened
to text), `action` is widened to 40 characters, `from_status`/`to_status` to 20; the new columns (`actor_label`,
`correlation`, `data`; `from_status`/`to_status` on member events; `action` on proposal events) are added with
defaults and then derived from what each row already says:

- `actor_label`: the actor's display name (core.Profile), else the username — as `core.actors.actor_label`;
- a proposal event's `action`: the stage it moved to (proposed → propose, deliberated → deliberate, …).

A theme event's history gets a table of its own (`ThemeEventLog`). The ledger's tables (`community_entry`,
`community_transfer`, `community_account`) are not touched, so the triggers of migrations 0002 and 0004 stay as
they are on both databases.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

EVENT_TABLES = ("memberevent", "orderevent", "matterlog", "proposalevent")
PROPOSAL_ACTIONS = {"proposed": "propose", "deliberated": "deliberate", "decided": "decide",
                    "evaluated": "evaluate", "published": "publish"}


def derive_values(apps, schema_editor):  # noqa: ANN001, ANN201
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    Profile = apps.get_model("core", "Profile")
    names = dict(Profile.objects.exclude(display_name="").values_list("user_id", "display_name"))
    for table in EVENT_TABLES:
        model = apps.get_model("community", table)
        actor_ids = set(model.objects.filter(actor__isnull=False).values_list("actor_id", flat=True).distinct())
        for user_id, username in User.objects.filter(pk__in=actor_ids).values_list("pk", "username"):
            model.objects.filter(actor_id=user_id).update(actor_label=names.get(user_id) or username)
    ProposalEvent = apps.get_model("community", "ProposalEvent")
    for to_status, action in PROPOSAL_ACTIONS.items():
        ProposalEvent.objects.filter(to_status=to_status).update(action=action)


def _base_fields(model_name: str) -> list:
    """Alter the columns the table already had to the base's definitions."""
    return [
        migrations.AlterField(model_name=model_name, name="at", field=models.DateTimeField(verbose_name="时间")),
        migrations.AlterField(
            model_name=model_name, name="actor",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="操作人")),
        migrations.AlterField(model_name=model_name, name="reason",
                              field=models.TextField(blank=True, verbose_name="理由/说明")),
        migrations.AddField(model_name=model_name, name="actor_label",
                            field=models.CharField(blank=True, max_length=150, verbose_name="操作人名称")),
        migrations.AddField(model_name=model_name, name="correlation",
                            field=models.CharField(blank=True, max_length=80, verbose_name="关联号")),
        migrations.AddField(model_name=model_name, name="data",
                            field=models.JSONField(blank=True, default=dict, verbose_name="数据")),
        migrations.AlterModelOptions(name=model_name, options={"ordering": ["at", "id"]}),
    ]


def _status_fields(model_name: str, operation: type) -> list:
    return [operation(model_name=model_name, name=name,
                      field=models.CharField(blank=True, max_length=20, verbose_name=label))
            for name, label in (("from_status", "原状态"), ("to_status", "新状态"))]


def _action(model_name: str) -> migrations.AlterField:
    return migrations.AlterField(model_name=model_name, name="action",
                                 field=models.CharField(max_length=40, verbose_name="动作"))


class Migration(migrations.Migration):

    dependencies = [
        ("community", "0004_ledger_same_member_trigger"),
        ("core", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        *[migrations.RenameField(model_name=name, old_name="note", new_name="reason") for name in EVENT_TABLES],
        *[op for name in EVENT_TABLES for op in _base_fields(name)],
        _action("memberevent"),
        *_status_fields("memberevent", migrations.AddField),
        _action("orderevent"),
        *_status_fields("orderevent", migrations.AlterField),
        _action("matterlog"),
        *_status_fields("matterlog", migrations.AlterField),
        migrations.AddField(model_name="proposalevent", name="action",
                            field=models.CharField(default="advance", max_length=40, verbose_name="动作"),
                            preserve_default=False),
        *_status_fields("proposalevent", migrations.AlterField),
        migrations.RunPython(derive_values, migrations.RunPython.noop),
        migrations.CreateModel(
            name="ThemeEventLog",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("at", models.DateTimeField(verbose_name="时间")),
                ("actor_label", models.CharField(blank=True, max_length=150, verbose_name="操作人名称")),
                ("action", models.CharField(max_length=40, verbose_name="动作")),
                ("from_status", models.CharField(blank=True, max_length=20, verbose_name="原状态")),
                ("to_status", models.CharField(blank=True, max_length=20, verbose_name="新状态")),
                ("reason", models.TextField(blank=True, verbose_name="理由/说明")),
                ("correlation", models.CharField(blank=True, max_length=80, verbose_name="关联号")),
                ("data", models.JSONField(blank=True, default=dict, verbose_name="数据")),
                ("actor", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                            related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="操作人")),
                ("theme_event", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="log",
                                                  to="community.themeevent")),
            ],
            options={"ordering": ["at", "id"], "abstract": False},
        ),
    ]
