# The daily rollup tables move from supervision to insights, which owns their computation.
#
# State only: the tables (and every row in them) stay where supervision 0001 created them; this migration tells
# Django that insights now owns them, still under their old table, index and constraint names. The next
# migration (0002) gives them insights' names in the database. supervision 0002 drops them from supervision's
# state. The content types follow the models, so permissions and admin log entries keep pointing at them.

from django.db import migrations, models

MOVED = ("casedaily", "ticketdaily", "ratingdaily", "rollupstate")


def move_content_types(apps, schema_editor, source="supervision", target="insights"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MOVED:
        old = ContentType.objects.using(db).filter(app_label=source, model=model).first()
        if old is None:
            continue
        if ContentType.objects.using(db).filter(app_label=target, model=model).exists():
            old.delete()  # created for the target already (a database that ran post_migrate in between)
        else:
            old.app_label = target
            old.save(update_fields=["app_label"])


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="insights", target="supervision")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("supervision", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="CaseDaily",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("day", models.DateField()),
                        ("department_id", models.IntegerField()),
                        ("bundle_code", models.CharField(blank=True, max_length=40)),
                        ("accepted", models.PositiveIntegerField(default=0)),
                        ("applications", models.PositiveIntegerField(default=0)),
                        ("completed", models.PositiveIntegerField(default=0)),
                        ("completed_on_time", models.PositiveIntegerField(default=0)),
                        ("completed_instant", models.PositiveIntegerField(default=0)),
                        ("processing_workdays", models.PositiveBigIntegerField(default=0)),
                        ("processing_hours", models.FloatField(default=0)),
                    ],
                    options={
                        "db_table": "supervision_casedaily",
                        "indexes": [
                            models.Index(fields=["day"], name="supervision_day_044647_idx"),
                            models.Index(fields=["department_id", "day"], name="supervision_departm_a0f26a_idx"),
                            models.Index(fields=["bundle_code", "day"], name="supervision_bundle__a4bc4e_idx"),
                        ],
                        "constraints": [models.UniqueConstraint(fields=("day", "department_id", "bundle_code"),
                                                                name="sv_case_daily_unique")],
                    },
                ),
                migrations.CreateModel(
                    name="RatingDaily",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("day", models.DateField()),
                        ("department_id", models.IntegerField()),
                        ("hall_id", models.IntegerField()),
                        ("total", models.PositiveIntegerField(default=0)),
                        ("very_satisfied", models.PositiveIntegerField(default=0)),
                        ("satisfied", models.PositiveIntegerField(default=0)),
                        ("basic", models.PositiveIntegerField(default=0)),
                        ("bad", models.PositiveIntegerField(default=0)),
                        ("defaulted", models.PositiveIntegerField(default=0)),
                    ],
                    options={
                        "db_table": "supervision_ratingdaily",
                        "indexes": [models.Index(fields=["department_id", "day"],
                                                 name="supervision_departm_2187d8_idx")],
                        "constraints": [models.UniqueConstraint(fields=("day", "department_id", "hall_id"),
                                                                name="sv_rating_daily_unique")],
                    },
                ),
                migrations.CreateModel(
                    name="RollupState",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("name", models.CharField(max_length=20, unique=True)),
                        ("rebuilt_at", models.DateTimeField(blank=True, null=True)),
                        ("watermark", models.DateTimeField(blank=True, null=True)),
                    ],
                    options={"db_table": "supervision_rollupstate"},
                ),
                migrations.CreateModel(
                    name="TicketDaily",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("day", models.DateField()),
                        ("hall_id", models.IntegerField()),
                        ("issued", models.PositiveIntegerField(default=0)),
                        ("called", models.PositiveIntegerField(default=0)),
                        ("wait_seconds", models.FloatField(default=0)),
                        ("served", models.PositiveIntegerField(default=0)),
                        ("service_seconds", models.FloatField(default=0)),
                        ("no_show", models.PositiveIntegerField(default=0)),
                    ],
                    options={
                        "db_table": "supervision_ticketdaily",
                        "constraints": [models.UniqueConstraint(fields=("day", "hall_id"),
                                                                name="sv_ticket_daily_unique")],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
