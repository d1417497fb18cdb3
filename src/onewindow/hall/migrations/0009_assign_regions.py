"""Existing halls get their region by the rule their codes follow (huli… Huli, fuan… Fu'an, licheng… Licheng);
a hall whose code names no known district keeps no region (unscoped) until an operator sets one."""

from typing import Any

from django.db import migrations

PREFIX_REGION = (("huli", "350206"), ("hl-", "350206"), ("fuan", "350981"), ("fa-", "350981"),
                 ("licheng", "350304"), ("lc-", "350304"))


def assign(apps: Any, schema_editor: Any) -> None:
    Hall = apps.get_model("hall", "Hall")
    Region = apps.get_model("core", "Region")
    regions = {r.code: r.pk for r in Region.objects.filter(code__in={code for _, code in PREFIX_REGION})}
    for prefix, code in PREFIX_REGION:
        if code in regions:
            Hall.objects.filter(region__isnull=True, code__istartswith=prefix).update(region_id=regions[code])


class Migration(migrations.Migration):
    dependencies = [("hall", "0008_region_parent_level"), ("core", "0008_seed_regions")]

    operations = [migrations.RunPython(assign, migrations.RunPython.noop)]
