# The daily rollup tables now belong to insights (insights 0001 takes them over, keeping every row). State only:
# nothing is dropped; supervision simply stops owning the four models.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("supervision", "0001_initial"),
        ("insights", "0001_rollups_from_supervision"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="CaseDaily"),
                migrations.DeleteModel(name="RatingDaily"),
                migrations.DeleteModel(name="RollupState"),
                migrations.DeleteModel(name="TicketDaily"),
            ],
        ),
    ]
