"""The community demo reproduces the seed's organisation figures (荔城区: 183 compounds, 137 branches — 117
independent, 20 joint covering 66 compounds — 100% coverage, 48 teams, 3,976 in-service members who report in),
counted from the records it writes; loading it again changes nothing. (One test: the demo takes a while.)"""

from __future__ import annotations

import datetime as dt
import re

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
    assert set(examples) == {"浅水湾小区党支部", "华景城小区党支部"}  # the page's examples are the seed's own
    # how secretaries are chosen: every background the seed names (离退休人员、军转干部、企业经营管理人员, and the
    # 离任村（居）干部 that are 选派), by 推选 and by 选派
    backgrounds, selections = dict(resources["by_background"]), dict(resources["by_selection"])
    assert backgrounds == {"离退休人员": 2, "军转干部": 1, "企业经营管理人员": 1, "离任村（居）干部": 1, "其他": 0}
    assert selections == {"小区推选": 4, "街道或社区选派": 1}

    # the same figures read back from the public page, where the seed places them
    page = Client().get("/community/resources/").content.decode()
    stat = {name: re.search(rf'id="figure-{name}">([^<]*)<', page).group(1)  # type: ignore[union-attr]
            for name in ("centres", "stations", "pilot-compounds", "pilot-yuan")}
    assert stat == {"centres": "11", "stations": "5", "pilot-compounds": "5", "pilot-yuan": "250000"}
    assert "全区建成 11 个“党建+”社区邻里中心、5 个小区党群服务站，提供 6 大服务功能" in page
    assert "试点示范小区 5 个，通过党费划拨、财政扶持、专项补助等途径拨付经费合计 250000 元" in page
    functions = re.findall(r"<li><strong>([^<]+)</strong> (\d+)</li>", page)
    assert [label for label, _n in functions] == ["幼有所育", "老有所养", "病有所医", "食有所安", "居有所乐", "事有所办"]
    assert all(int(n) > 0 for _label, n in functions)
    tables = {h2: body for h2, body in re.findall(r"<h2>([^<]+)</h2>(?:(?!</section>).)*?<tbody>(.*?)</tbody>",
                                                    page, re.S)}
    assert tables["“党建+”社区邻里中心"].count("<tr>") == 11 and "拱辰社区“党建+”邻里中心" in tables["“党建+”社区邻里中心"]
    assert tables["小区党群服务站"].count("<tr>") == 5
    assert re.search(r"<td>浅水湾小区党群服务站</td><td>浅水湾小区</td>", tables["小区党群服务站"])
    pilots = re.findall(r"<tr><td>([^<]+)</td><td>([^<]+)</td><td>(\d+)</td><td>(\d+)</td></tr>",
                        tables["确保有钱办事：试点示范小区经费"])
    assert sorted(pilots) == sorted([("浅水湾荔苑", "拱辰社区", "3", "50000"), ("东梅小区", "东梅社区", "3", "50000"),
                                     ("浅水湾小区", "拱辰社区", "3", "50000"), ("华景城小区", "英龙社区", "3", "50000"),
                                     ("荔园小区", pilots_community("荔园小区"), "3", "50000")])
    assert '<strong lang="zh">拱辰社区浅水湾小区党支部</strong>：<span lang="zh">城厢区纪委退休干部' in page
    for label, n in (("离退休人员", 2), ("军转干部", 1), ("企业经营管理人员", 1), ("离任村（居）干部", 1),
                     ("小区推选", 4), ("街道或社区选派", 1)):
        assert f"<tr><td>{label}</td><td>{n}</td></tr>" in page
    assert "已登记书记产生情况的小区党支部 5 个（共 137 个）" in page
    # the 48 teams, counted on the teams page
    teams = worker.get("/community/teams/").content.decode()
    assert '志愿服务队 <span class="badge">48</span>' in teams and teams.count('href="/community/members/?team=') == 48


def pilots_community(compound: str) -> str:
    return Compound.objects.select_related("community").get(name=compound).community.name
