"""Ticket, clerk-state and appointment events move onto core.events.AppendOnlyEvent — keeping every row.

Written by hand: makemigrations would drop and re-add the renamed columns.

- TicketEvent: kind → action, clerk → actor, note → reason (renamed: same column, same rows); its counter,
  from_category and to_category stay; the (kind, at) index becomes (action, at) under its new name.
- ClerkStateEvent: state → to_status; the actor is the session's clerk; the action is derived from the move.
- AppointmentEvent: kind → action; to_status is the action (each action names the status it moved to).
- Every table: from_status is the previous event's to_status of the same subject, actor_label the actor's
  display name (else username); correlation and data start empty.
- ClerkSession: a session that has ended is in the new state signed_out.

The derived values are written by 0007, in a transaction of its own: PostgreSQL creates this migration's
indexes at its end and refuses to while rows of the same table have changes pending their foreign-key checks.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _base_fields(model_name, *, actor=True):
    fields = [
        ("actor_label", models.CharField(blank=True, max_length=150, verbose_name="操作人名称")),
        ("correlation", models.CharField(blank=True, max_length=80, verbose_name="关联号")),
        ("data", models.JSONField(blank=True, default=dict, verbose_name="数据")),
        ("from_status", models.CharField(blank=True, max_length=20, verbose_name="原状态")),
    ]
    if actor:
        fields.append(("actor", models.ForeignKey(
            blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+",
            to=settings.AUTH_USER_MODEL, verbose_name="操作人")))
    return [migrations.AddField(model_name=model_name, name=name, field=field) for name, field in fields]


def _alter_actor(model_name):
    return migrations.AlterField(
        model_name=model_name, name="actor",
        field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+",
                                to=settings.AUTH_USER_MODEL, verbose_name="操作人"))


def _alter_at(model_name):
    return migrations.AlterField(model_name=model_name, name="at", field=models.DateTimeField(verbose_name="时间"))


class Migration(migrations.Migration):

    dependencies = [
        ("hall", "0005_pad_device"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # ---- TicketEvent
        # the index is renamed while its column is still `kind` (SQLite renames an index by re-creating it) …
        migrations.RenameIndex(model_name="ticketevent", new_name="ticket_event_action_at",
                               old_name="ticket_event_kind_at"),
        migrations.RenameField(model_name="ticketevent", old_name="kind", new_name="action"),
        # … and RenameField does not rewrite Meta.indexes: point the index at the renamed field (state only;
        # the database index follows its column)
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.RemoveIndex(model_name="ticketevent", name="ticket_event_action_at"),
            migrations.AddIndex(model_name="ticketevent",
                                index=models.Index(fields=["action", "at"], name="ticket_event_action_at")),
        ]),
        migrations.RenameField(model_name="ticketevent", old_name="clerk", new_name="actor"),
        migrations.RenameField(model_name="ticketevent", old_name="note", new_name="reason"),
        migrations.AlterField(model_name="ticketevent", name="action",
                              field=models.CharField(max_length=40, verbose_name="动作")),
        _alter_actor("ticketevent"),
        migrations.AlterField(model_name="ticketevent", name="reason",
                              field=models.TextField(blank=True, verbose_name="理由/说明")),
        _alter_at("ticketevent"),
        *_base_fields("ticketevent", actor=False),
        migrations.AddField(model_name="ticketevent", name="to_status",
                            field=models.CharField(blank=True, max_length=20, verbose_name="新状态")),
        # ---- ClerkStateEvent
        migrations.RenameField(model_name="clerkstateevent", old_name="state", new_name="to_status"),
        migrations.AlterField(model_name="clerkstateevent", name="to_status",
                              field=models.CharField(blank=True, max_length=20, verbose_name="新状态")),
        _alter_at("clerkstateevent"),
        migrations.AddField(model_name="clerkstateevent", name="action",
                            field=models.CharField(default="", max_length=40, verbose_name="动作"),
                            preserve_default=False),
        *_base_fields("clerkstateevent"),
        migrations.AddField(model_name="clerkstateevent", name="reason",
                            field=models.TextField(blank=True, verbose_name="理由/说明")),
        # ---- AppointmentEvent
        migrations.RenameField(model_name="appointmentevent", old_name="kind", new_name="action"),
        migrations.AlterField(model_name="appointmentevent", name="action",
                              field=models.CharField(max_length=40, verbose_name="动作")),
        _alter_actor("appointmentevent"),
        _alter_at("appointmentevent"),
        *_base_fields("appointmentevent", actor=False),
        migrations.AddField(model_name="appointmentevent", name="reason",
                            field=models.TextField(blank=True, verbose_name="理由/说明")),
        migrations.AddField(model_name="appointmentevent", name="to_status",
                            field=models.CharField(blank=True, max_length=20, verbose_name="新状态")),
        # ---- ClerkSession: an ended session is signed_out
        migrations.AlterField(
            model_name="clerksession", name="state",
            field=models.CharField(choices=[("available", "空闲"), ("serving", "办理中"), ("break", "暂停"),
                                            ("away", "离开"), ("signed_out", "已签出")],
                                   default="available", max_length=10, verbose_name="状态")),
    ]
