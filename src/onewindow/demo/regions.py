"""Regions demo: the regions of data/regions/regions.yaml (Fujian → three cities → Fu'an, Huli, Licheng → Huli's
streets and communities), and the hall hierarchy of data/regions/halls.yaml (the district halls get their region;
each street gets its 便民服务中心 and each community its 便民服务站 under it: Huli's 64 monitored halls).

Two steps: `load` (before the catalog, whose departments reference regions by code) and `load_halls` (after the
hall demo made the district halls). Both idempotent: rows are upserted by code.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TextIO

import yaml
from django.db import transaction

from onewindow.core.models import Region, RegionLevel, region_path
from onewindow.demo.upsert import sync

DATA_DIR = Path(__file__).resolve().parent / "data" / "regions"


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    name_en: str
    parent: str
    level: int


@dataclass(frozen=True)
class HallRow:
    code: str
    name: str
    region: str
    parent: str  # the parent hall's code
    level: str
    name_en: str = ""


@cache
def _data(name: str) -> dict[str, Any]:
    with (DATA_DIR / f"{name}.yaml").open(encoding="utf-8") as f:
        loaded: dict[str, Any] = yaml.safe_load(f)
    return loaded


def _streets() -> dict[str, list[dict[str, Any]]]:
    return {str(k): v for k, v in (_data("regions").get("streets") or {}).items()}


def region_rows() -> list[RegionRow]:
    """Every region of the data file, parents before children."""
    raw = _data("regions")
    p = raw["province"]
    rows = [RegionRow(str(p["code"]), p["name"], p.get("name_en", ""), "", RegionLevel.PROVINCE)]
    rows += [RegionRow(str(c["code"]), c["name"], c.get("name_en", ""), rows[0].code, RegionLevel.CITY)
             for c in raw["cities"]]
    rows += [RegionRow(str(d["code"]), d["name"], d.get("name_en", ""), str(d["city"]), RegionLevel.COUNTY)
             for d in raw["districts"]]
    for district, streets in _streets().items():
        for s in streets:
            rows.append(RegionRow(str(s["code"]), s["name"], s.get("name_en", ""), district, RegionLevel.STREET))
            english = s.get("communities_en") or []
            for n, name in enumerate(s["communities"], start=1):
                name_en = f"{english[n - 1]} Community" if n <= len(english) else ""
                rows.append(RegionRow(f"{s['code']}{n:03d}", f"{name}社区", name_en, str(s["code"]),
                                      RegionLevel.COMMUNITY))
    return rows


def _english(template: str, **names: str) -> str:
    """A hall's English name from its template, or "" when the template or an English place name is missing."""
    return template.format(**names) if template and all(names.values()) else ""


def hall_rows() -> list[HallRow]:
    """The street and community halls under each district hall of halls.yaml's hierarchy."""
    raw = _data("halls")
    out: list[HallRow] = []
    for h in raw.get("hierarchy") or []:
        top = h["district_hall"]
        street_en, community_en = h.get("street_hall_en", ""), h.get("community_hall_en", "")
        for s in _streets().get(str(h["district"]), []):
            street_code = f"{top}-{s['slug']}"
            out.append(HallRow(street_code, h["street_hall"].format(street=s["name"]), str(s["code"]), top,
                               "street", _english(street_en, street=s.get("name_en", ""))))
            english = s.get("communities_en") or []
            for n, community in enumerate(s["communities"], start=1):
                region = f"{s['code']}{n:03d}"
                out.append(HallRow(f"{street_code}-{n:02d}", h["community_hall"].format(community=community),
                                   region, street_code, "community",
                                   _english(community_en, community=english[n - 1] if n <= len(english) else "")))
    return out


def ensure_regions() -> dict[str, Region]:
    """Upsert every region of the data file (parents first, paths set); the regions by code."""
    rows: dict[str, Region] = {}
    for level in RegionLevel:
        wanted: dict[str, dict[str, Any]] = {}
        for r in region_rows():
            if r.level != level:
                continue
            parent = rows.get(r.parent)
            wanted[r.code] = {"code": r.code, "name": r.name, "name_en": r.name_en,
                              "parent_id": parent.pk if parent is not None else None, "level": r.level,
                              "path": region_path(parent.path if parent is not None else "", r.code)}
        rows |= sync(Region, Region.objects.filter(code__in=list(wanted)), wanted, key=lambda x: x.code,
                     prune=False).rows
    return rows


@transaction.atomic
def load(*, scale: int = 0, stdout: TextIO | None = None) -> None:
    regions = ensure_regions()
    if stdout is not None:
        counts = {level.label: sum(1 for r in regions.values() if r.level == level) for level in RegionLevel}
        stdout.write("regions: " + ", ".join(f"{label} {n}" for label, n in counts.items()) + "\n")


@transaction.atomic
def load_halls(*, scale: int = 0, stdout: TextIO | None = None) -> None:
    from onewindow.hall.models import Hall, HallLevel

    regions = ensure_regions()
    districts = {str(code): str(region) for code, region in (_data("halls").get("district_halls") or {}).items()}
    tops = {h.code: h for h in Hall.objects.filter(code__in=list(districts))}
    for code, hall in tops.items():
        if hall.region_id != regions[districts[code]].pk or hall.level != HallLevel.DISTRICT:
            hall.region, hall.level = regions[districts[code]], HallLevel.DISTRICT
            hall.save(update_fields=["region", "level"])
    made = dict(tops)
    for level in ("street", "community"):
        rows = [r for r in hall_rows() if r.level == level and r.parent in made]
        wanted = {r.code: {"code": r.code, "name": r.name, "name_en": r.name_en,
                           "region_id": regions[r.region].pk, "parent_id": made[r.parent].pk, "level": r.level,
                           "sort_order": made[r.parent].sort_order * 1000 + n}
                  for n, r in enumerate(rows, start=1)}
        made |= sync(Hall, Hall.objects.filter(code__in=list(wanted)), wanted, key=lambda x: x.code,
                     prune=False).rows
    if stdout is not None:
        for top in tops.values():
            n = Hall.objects.filter(region__path__startswith=top.region.path if top.region else "-").count()
            stdout.write(f"halls in {top.name}'s district: {n}\n")
