"""The community demo reproduces the seed's organisation figures (荔城区: 183 compounds, 137 branches — 117
independent, 20 joint covering 66 compounds — 100% coverage, 48 teams, 3,976 in-service members who report in),
counted from the records it writes; loading it again changes nothing. (One test: the demo takes a while.)"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Count, F
from django.test import Client

from onewindow.community.models import Compound, Member, PartyOrg, Team
from onewindow.community.selectors.ledger import ledger_check
from onewindow.core import clock
from onewindow.demo import community as community_demo
from onewindow.demo import logins

ON = dt.datetime(2026, 11, 20, 12)


def _figures() -> dict[str, int]:
    branches = PartyOrg.objects.filter(kind=PartyOrg.Kind.COMPOUND_BRANCH).annotate(n=Count("compounds"))
    in_service = Member.objects.filter(category=Member.Category.IN_SERVICE)
    return {
        "compounds": Compound.objects.count(),
        "branches": branches.count(),
        "independent": branches.filter(form=PartyOrg.Form.INDEPENDENT, n=1).count(),
        "joint": branches.filter(form=PartyOrg.Form.JOINT, n__gte=2).count(),
        "compounds in joint branches": Compound.objects.filter(branches__form=PartyOrg.Form.JOINT).distinct().count(),
        "compounds without a branch": Compound.objects.filter(branches__isnull=True).count(),
        "teams": Team.objects.filter(leader__isnull=False, members__isnull=False).distinct().count(),
        "in-service members": in_service.count(),
        "reported in where they live": in_service.filter(
            report_status=Member.ReportStatus.REPORTED, reported_community=F("home_compound__community")).count(),
    }


@pytest.mark.django_db
def test_the_demo_reproduces_the_seeds_organisation_figures(db: None) -> None:
    logins.load()
    with clock.frozen(ON):
        community_demo.load()
    figures = _figures()

    assert figures == {"compounds": 183, "branches": 137, "independent": 117, "joint": 20,
                       "compounds in joint branches": 66, "compounds without a branch": 0, "teams": 48,
                       "in-service members": 3976, "reported in where they live": 3975}
    assert Client().get("/api/v1/community/coverage").json()["rate"] == 100.0
    first = PartyOrg.objects.get(name="浅水湾小区、浅水湾荔苑等小区联合党支部")
    assert set(first.compounds.values_list("name", flat=True)) == {"浅水湾小区", "浅水湾荔苑", "东梅小区"}
    # the one in-service member still to report in is the volunteer login: reporting in is their demo step
    waiting = Member.objects.get(category=Member.Category.IN_SERVICE, report_status=Member.ReportStatus.NOT_REPORTED)
    assert waiting.user is not None and waiting.user.username == "volunteer"
    volunteer = Client()
    volunteer.force_login(waiting.user)
    with clock.frozen(ON):
        assert volunteer.post("/community/me/report_in/").status_code == 302
    assert _figures()["reported in where they live"] == 3976

    with clock.frozen(ON):
        community_demo.load()  # a second run finds the demo loaded
    assert _figures() == {**figures, "reported in where they live": 3976}
    assert ledger_check()["ok"]
