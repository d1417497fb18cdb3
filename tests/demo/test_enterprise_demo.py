"""The enterprise demo plays the seed's three practices through the services; its figures come from records."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from django.utils import timezone

from onewindow.catalog.models import Department
from onewindow.core import clock
from onewindow.demo import enterprise as enterprise_demo
from onewindow.demo import logins
from onewindow.enterprise.models import (
    ClassFeedback,
    ClassRegistration,
    ClassSession,
    IndustryLicence,
    PolicyApplication,
    PolicyApplicationEvent,
)
from onewindow.enterprise.selectors import classes as class_selectors
from onewindow.enterprise.selectors import licences as licence_selectors

DEPARTMENTS = Path(enterprise_demo.__file__).resolve().parent / "data" / "catalog" / "departments.yaml"


def _departments() -> None:
    rows = yaml.safe_load(DEPARTMENTS.read_text(encoding="utf-8"))
    for row in rows:
        if row["code"].startswith("HL-"):
            Department.objects.create(code=row["code"], name=row["name"], name_en=row.get("name_en", ""))


@pytest.mark.django_db
def test_the_demo_plays_the_window_the_classes_and_the_first_pharmacy_licence() -> None:
    _departments()
    logins.load()
    with clock.frozen(timezone.make_aware(dt.datetime(2026, 12, 4, 10, 0))):
        enterprise_demo.load()
        statuses = dict((s, PolicyApplication.objects.filter(status=s).count()) for s in PolicyApplication.Status)
        assert statuses == {"submitted": 2, "approved": 1, "rejected": 2, "paid": 8, "withdrawn": 0}
        assert PolicyApplication.objects.filter(channel="online").count() == 3
        assert PolicyApplicationEvent.objects.filter(action="pay").count() == 8
        # 企业成长课堂: the first class is the seed's May 2019 launch; the topics it names are all taught
        first = ClassSession.objects.order_by("starts_at").first()
        assert first is not None and (first.starts_at.year, first.starts_at.month) == (2019, 5)
        topics = {r["topic"]: r for r in class_selectors.figures_by_topic()}
        assert {"tax", "hiring", "talent"} <= set(topics)
        assert sum(r["attended"] for r in topics.values()) == ClassRegistration.objects.filter(
            status="attended").count() == 15
        assert ClassFeedback.objects.count() == 13
        assert ClassRegistration.objects.filter(status="waiting").count() == 2  # one upcoming, one never promoted
        # 一业一证: the province's first pharmacy comprehensive licence, issued in 2021, four permits, all valid
        licence = IndustryLicence.objects.get()
        assert (licence.industry, licence.first_in_province, licence.issued_on.year) == ("pharmacy", True, 2021)
        shown = licence_selectors.verification(licence)
        assert [p["status"] for p in shown["permits"]] == ["valid"] * 4
        enterprise_demo.load()  # a second run finds the demo loaded and changes nothing
        assert PolicyApplication.objects.count() == 13 and IndustryLicence.objects.count() == 1
