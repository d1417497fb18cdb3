"""The regions the existing data belongs to: Fujian, its three cities and the three districts whose departments
and halls are already in the database (Fu'an under Ningde, Huli under Xiamen, Licheng under Putian). Streets and
communities come from the demo data or the admin; this migration only makes what existing rows need."""

from typing import Any

from django.db import migrations

# (code, name, name_en, parent code, level)
REGIONS = (
    ("350000", "福建省", "Fujian Province", "", 1),
    ("350900", "宁德市", "Ningde", "350000", 2),
    ("350200", "厦门市", "Xiamen", "350000", 2),
    ("350300", "莆田市", "Putian", "350000", 2),
    ("350981", "福安市", "Fu'an", "350900", 3),
    ("350206", "湖里区", "Huli District", "350200", 3),
    ("350304", "荔城区", "Licheng District", "350300", 3),
)


def seed(apps: Any, schema_editor: Any) -> None:
    Region = apps.get_model("core", "Region")
    made = {}
    for code, name, name_en, parent, level in REGIONS:
        up = made.get(parent)
        path = (up.path if up else "/") + code + "/"
        made[code], _ = Region.objects.get_or_create(code=code, defaults={
            "name": name, "name_en": name_en, "parent": up, "level": level, "path": path})


class Migration(migrations.Migration):
    dependencies = [("core", "0007_region")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
