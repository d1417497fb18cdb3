"""Existing case events get their application's number as `correlation`, as new events do.

One UPDATE with a subquery (no row is read into Python, none is added or removed). Backward: nothing to undo —
0004's reverse drops the column.
"""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def fill_correlation(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    number = Case.objects.filter(pk=OuterRef("case_id")).values("application__number")[:1]
    CaseEvent.objects.filter(correlation="").update(correlation=Subquery(number))


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0004_caseevent_on_the_shared_base"),
    ]

    operations = [
        migrations.RunPython(fill_correlation, migrations.RunPython.noop, elidable=True),
    ]
