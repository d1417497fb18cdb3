"""Department.region becomes (with 0008) a reference to core.Region by its code (the column keeps its name and its values).

Existing rows keep their region: an empty value becomes NULL; a code the regions table lacks is taken from the
department code's prefix (HL- Huli, FA- Fu'an, LC- Licheng) when it has one, else the code gets a region row of
its own named by the code (an operator renames or re-parents it in the admin), so no value is lost."""

from typing import Any

from django.db import migrations, models

PREFIX_REGION = {"HL-": "350206", "FA-": "350981", "LC-": "350304"}
LEVEL_BY_SUFFIX = ((12, 5), (9, 4))  # 12-digit community, 9-digit street codes; six digits: city or county


def _level(code: str) -> int:
    for length, level in LEVEL_BY_SUFFIX:
        if len(code) == length:
            return level
    if code.endswith("0000"):
        return 1
    return 2 if code.endswith("00") else 3


def assign(apps: Any, schema_editor: Any) -> None:
    Department = apps.get_model("catalog", "Department")
    Region = apps.get_model("core", "Region")
    known = set(Region.objects.values_list("code", flat=True))
    Department.objects.filter(region="").update(region=None)
    for dept in Department.objects.exclude(region__isnull=True).exclude(region__in=known):
        code = dept.region.strip()
        if len(code) > 12:  # not a region code: fall back on the department code's prefix
            code = next((r for p, r in PREFIX_REGION.items() if dept.code.upper().startswith(p)), None)
        elif code not in known:
            Region.objects.create(code=code, name=code, level=_level(code), path=f"/{code}/")
            known.add(code)
        Department.objects.filter(pk=dept.pk).update(region=code)
    for prefix, code in PREFIX_REGION.items():  # no region at all: the prefix tells
        Department.objects.filter(region__isnull=True, code__istartswith=prefix).update(region=code)


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0006_item_events'),
        ('core', '0008_seed_regions'),
    ]

    operations = [
        migrations.AlterField(
            model_name='department',
            name='region',
            field=models.CharField(blank=True, null=True, max_length=50, verbose_name='行政区划'),
        ),
        migrations.RunPython(assign, migrations.RunPython.noop),
    ]
