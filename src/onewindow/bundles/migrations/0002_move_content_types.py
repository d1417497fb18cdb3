"""The bundle models' content types move from app label `catalog` to `bundles`.

Permissions (and the groups and users holding them) and admin log entries point at content types by id, so
renaming the app label in place keeps every one of them. A fresh database has no such rows yet (content types
are created after migrating), so this changes nothing there.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

MODELS = ("bundle", "bundleitem", "question", "option", "optionmaterial", "formfield")


def _move(apps: StateApps, old: str, new: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    taken = set(content_type.objects.filter(app_label=new, model__in=MODELS).values_list("model", flat=True))
    content_type.objects.filter(app_label=old, model__in=[m for m in MODELS if m not in taken]).update(app_label=new)


def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _move(apps, "catalog", "bundles")


def backwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _move(apps, "bundles", "catalog")


class Migration(migrations.Migration):

    dependencies = [
        ("bundles", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
