"""Demo halls have English names (issue 16): the district halls from hall/halls.yaml, each street's 便民服务中心 and
each community's 便民服务站 from the English names of their street and community in regions/regions.yaml."""

from __future__ import annotations

import re

import pytest

from onewindow.demo import hall as hall_demo
from onewindow.demo import regions as regions_demo
from onewindow.hall.models import Hall

pytestmark = pytest.mark.django_db
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_demo_hall_has_an_english_name() -> None:
    regions_demo.load()
    for spec in hall_demo._data("halls"):
        hall_demo._hall(spec)
    regions_demo.load_halls()
    halls = list(Hall.objects.all())
    assert len(halls) >= 64
    missing = [h.name for h in halls if not h.name_en or CJK.search(h.name_en)]
    assert not missing, missing
    names = dict(Hall.objects.values_list("code", "name_en"))
    assert names["huli"] == "Huli District Administrative Service Centre"
    assert names["huli-jinshan"] == "Jinshan Subdistrict Convenience Service Centre"
    assert names["huli-jinshan-02"] == "Wuyuanwan Community Convenience Service Station"
    assert len(set(names.values())) == len(names)  # no two halls share an English name


def test_a_demo_loaded_before_english_names_gets_them_on_the_next_load() -> None:
    spec = hall_demo._data("halls")[0]
    Hall.objects.create(code=spec["code"], name=spec["name"], sort_order=spec["sort_order"])
    hall_demo._hall(spec)
    assert Hall.objects.get(code=spec["code"]).name_en == spec["name_en"]
    Hall.objects.filter(code=spec["code"]).update(name_en="Renamed by an administrator")
    hall_demo._hall(spec)  # a name set since is left as it is
    assert Hall.objects.get(code=spec["code"]).name_en == "Renamed by an administrator"


def test_a_hall_without_an_english_place_name_gets_no_half_english_name() -> None:
    assert regions_demo._english("{street} Convenience Service Centre", street="Jinshan Subdistrict") == (
        "Jinshan Subdistrict Convenience Service Centre")
    assert regions_demo._english("{street} Convenience Service Centre", street="") == ""
    assert regions_demo._english("", street="Jinshan Subdistrict") == ""
