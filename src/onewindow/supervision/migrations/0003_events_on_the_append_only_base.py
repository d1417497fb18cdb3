# Inspection, finding and notice events move onto core.events.AppendOnlyEvent, keeping their tables and every
# row. Columns that mean the same are renamed (inspection detail → data, finding note → reason, notice note →
# reason); the base's other columns are added empty (0004 fills what can be derived).
# Written by hand: makemigrations would drop the old columns and add new ones, losing their contents.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _base_fields(model_name, *, skip=()):
    """AddField for the columns of the base a table did not have."""
    fields = {
        "actor": models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                   related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="操作人"),
        "actor_label": models.CharField(blank=True, max_length=150, verbose_name="操作人名称"),
        "from_status": models.CharField(blank=True, max_length=20, verbose_name="原状态"),
        "to_status": models.CharField(blank=True, max_length=20, verbose_name="新状态"),
        "reason": models.TextField(blank=True, verbose_name="理由/说明"),
        "correlation": models.CharField(blank=True, max_length=80, verbose_name="关联号"),
        "data": models.JSONField(blank=True, default=dict, verbose_name="数据"),
    }
    return [migrations.AddField(model_name=model_name, name=name, field=field)
            for name, field in fields.items() if name not in skip]


def _common_alters(model_name, *, actor=True):
    ops = [
        migrations.AlterField(model_name=model_name, name="action",
                              field=models.CharField(max_length=40, verbose_name="动作")),
        migrations.AlterField(model_name=model_name, name="at", field=models.DateTimeField(verbose_name="时间")),
    ]
    if actor:
        ops.append(migrations.AlterField(
            model_name=model_name, name="actor",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="操作人")))
    return ops


class Migration(migrations.Migration):

    dependencies = [
        ("supervision", "0002_rollups_move_to_insights"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # inspection events: detail → data
        migrations.RenameField(model_name="inspectionevent", old_name="detail", new_name="data"),
        migrations.AlterField(model_name="inspectionevent", name="data",
                              field=models.JSONField(blank=True, default=dict, verbose_name="数据")),
        *_common_alters("inspectionevent"),
        *_base_fields("inspectionevent", skip=("actor", "data")),
        # finding events: note → reason (and the note, 200 characters, becomes text like every reason)
        migrations.RenameField(model_name="findingevent", old_name="note", new_name="reason"),
        migrations.AlterField(model_name="findingevent", name="reason",
                              field=models.TextField(blank=True, verbose_name="理由/说明")),
        *_common_alters("findingevent", actor=False),
        *_base_fields("findingevent", skip=("reason",)),
        # notice events: note → reason; from/to widen to the base's length
        migrations.RenameField(model_name="noticeevent", old_name="note", new_name="reason"),
        migrations.AlterField(model_name="noticeevent", name="reason",
                              field=models.TextField(blank=True, verbose_name="理由/说明")),
        *_common_alters("noticeevent"),
        migrations.AlterField(model_name="noticeevent", name="from_status",
                              field=models.CharField(blank=True, max_length=20, verbose_name="原状态")),
        migrations.AlterField(model_name="noticeevent", name="to_status",
                              field=models.CharField(blank=True, max_length=20, verbose_name="新状态")),
        *_base_fields("noticeevent", skip=("actor", "from_status", "to_status", "reason")),
    ]
