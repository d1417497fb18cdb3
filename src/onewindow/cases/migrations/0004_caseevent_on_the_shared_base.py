"""CaseEvent moves onto core.events.AppendOnlyEvent — keeping every row.

The table already had the base's columns (at, actor, actor_label, action, from_status, to_status, reason, data)
under the same names; it gains `correlation` (empty here, filled by 0005 in a transaction of its own) and the
base's wording for `reason`. Written by hand so the operations say what they keep.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0003_application_idempotency_fingerprint"),
    ]

    operations = [
        migrations.AddField(
            model_name="caseevent",
            name="correlation",
            field=models.CharField(blank=True, default="", max_length=80, verbose_name="关联号"),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="caseevent",
            name="reason",
            field=models.TextField(blank=True, verbose_name="理由/说明"),
        ),
    ]
