import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="officialday",
            name="calendar_year",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name="days",
                                    to="core.calendaryear", verbose_name="年度"),
        ),
    ]
