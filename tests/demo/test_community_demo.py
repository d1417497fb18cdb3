"""The community demo reproduces the seed's organisation figures (荔城区: 183 compounds, 137 branches — 117
independent, 20 joint covering 66 compounds — 100% coverage, 48 teams, 3,976 in-service members who report in),
counted from the records it writes; loading it again changes nothing. (One test: the demo takes a while.)"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.db.models import Count, F
from django.test import Client

from onewindow.community.models import Compound, Member, PartyOrg, Team
from onewindow.community.selectors.ledger import ledger_check
from onewindow.core import clock
from onewindow.core.access import Role
from onewindow.demo import community as community_demo
from onewindow.demo import community_resources, logins

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
    # the seed's 拱辰社区浅水湾小区党支部: a branch of its own, in 拱辰社区
    own = PartyOrg.objects.get(name="浅水湾小区党支部")
    assert own.form == PartyOrg.Form.INDEPENDENT and own.community.name == "拱辰社区"
    first = PartyOrg.objects.filter(form=PartyOrg.Form.JOINT, compounds__name="浅水湾荔苑").get()
    assert first.compounds.count() == 3 and set(first.compounds.values_list("community__name", flat=True)) == {
        "拱辰社区"}
    # the one in-service member still to report in is the volunteer login: reporting in is their demo step
    waiting = Member.objects.get(category=Member.Category.IN_SERVICE, report_status=Member.ReportStatus.NOT_REPORTED)
    assert waiting.user is not None and waiting.user.username == "volunteer"
    volunteer = Client()
    volunteer.force_login(waiting.user)
    with clock.frozen(ON):
        assert volunteer.post("/community/me/report_in/").status_code == 302
    assert _figures()["reported in where they live"] == 3976
    # the dashboard counts the in-service members who reported in, as the seed does (not every category)
    worker = Client()
    worker.force_login(User.objects.filter(groups__name=Role.COMMUNITY_WORKER).first())
    home = worker.get("/community/").content.decode()
    assert '<div class="value" id="in-service-reported">3976</div>' in home

    with clock.frozen(ON):
        community_demo.load()  # a second run finds the demo loaded
    assert _figures() == {**figures, "reported in where they live": 3976}
    assert ledger_check()["ok"]

    # the resources: 11 neighbourhood centres, 5 stations, 6 functions, 5 pilot compounds with 250,000 yuan,
    # and the two secretaries the seed describes — read back through the public API, loaded twice
    with clock.frozen(ON):
        community_resources.load()
        community_resources.load()
    body = Client().get("/api/v1/community/resources").json()
    resources = body["figures"]
    assert (resources["centres"], resources["stations"], len(resources["functions"])) == (11, 5, 6)
    assert all(n > 0 for _code, _label, n in resources["functions"])
    assert (resources["pilot_compounds"], resources["pilot_yuan"]) == (5, 250_000)
    assert {p["compound"] for p in body["pilot_compounds"]} >= {"浅水湾荔苑", "东梅小区"}
    examples = {e["branch"]: e for e in resources["examples"]}
    assert examples["浅水湾小区党支部"]["community"] == "拱辰社区"
    assert examples["浅水湾小区党支部"]["note"].startswith("城厢区纪委退休干部")
    assert examples["华景城小区党支部"]["note"] == "市电业局退休干部"
