"""Department.region references core.Region by code; 0007 made every value a known code (its own transaction
first, so PostgreSQL alters the column with no pending row updates)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [("catalog", "0007_department_region")]

    operations = [
        migrations.AlterField(
            model_name='department',
            name='region',
            field=models.ForeignKey(blank=True, db_column='region', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='departments', to='core.region', to_field='code', verbose_name='行政区划'),
        ),
    ]
