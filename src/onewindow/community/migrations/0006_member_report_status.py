"""A member's report-in becomes a state (`report_status`: not_reported → reported) so that it changes, like
every other state, through `onewindow.core.events.transition()`.

Members who have a report-in time are `reported`; the others keep the default. The constraint then keeps the
state and the time in step.
"""

from django.db import migrations, models


def reported_members(apps, schema_editor):  # noqa: ANN001, ANN201
    Member = apps.get_model("community", "Member")
    Member.objects.filter(reported_at__isnull=False).update(report_status="reported")


class Migration(migrations.Migration):

    dependencies = [("community", "0005_events_on_the_shared_base")]

    operations = [
        migrations.AddField(
            model_name="member",
            name="report_status",
            field=models.CharField(choices=[("not_reported", "未报到"), ("reported", "已报到")],
                                   default="not_reported", max_length=12, verbose_name="报到状态"),
        ),
        migrations.RunPython(reported_members, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="member",
            constraint=models.CheckConstraint(
                condition=models.Q(("report_status", "reported"), ("reported_at__isnull", False))
                | models.Q(("report_status", "not_reported"), ("reported_at__isnull", True)),
                name="member_report_status_matches_time"),
        ),
    ]
