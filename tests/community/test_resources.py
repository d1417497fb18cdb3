"""Resources of compound governance: neighbourhood centres and party-mass stations with their functions, the
pilot compounds' money and how branch secretaries are chosen — recorded by community workers through the page
and the API, published without any secretary's name or phone."""

import json
import re

import pytest
from django.test import Client

from onewindow.community.models import FundingGrant, PartyOrg, ServiceSite
from onewindow.core.access import Role
from onewindow.core.models import AuditEntry

from .builders import a_branch, a_user, compounds_in, signed_in

pytestmark = pytest.mark.django_db


def test_a_worker_registers_a_centre_and_a_station_and_the_public_page_counts_them(world, worker) -> None:
    r = worker.post("/community/resources/sites/", {
        "kind": "centre", "name": "东梅社区“党建+”邻里中心", "community": world.east.pk, "compound_label": "",
        "functions": ["elderly", "childcare", "affairs"]})
    assert r.status_code == 302
    r = worker.post("/api/v1/community/resources/sites", {
        "kind": "station", "name": "浅水湾小区党群服务站", "community_id": world.east.pk,
        "compound_id": world.compounds[0].pk, "spaces": "小区架空层", "functions": ["leisure"]},
        content_type="application/json")
    assert r.status_code == 201, r.content
    centre = ServiceSite.objects.get(kind="centre")
    assert centre.functions == ["childcare", "elderly", "affairs"]  # the vocabulary's order
    page = Client().get("/community/resources/").content.decode()
    assert "东梅社区“党建+”邻里中心" in page and "浅水湾小区党群服务站" in page and "幼有所育、老有所养、事有所办" in page
    figures = Client().get("/api/v1/community/resources").json()["figures"]
    assert figures["centres"] == 1 and figures["stations"] == 1
    assert dict((code, n) for code, _label, n in figures["functions"])["affairs"] == 1
    assert AuditEntry.objects.filter(action="community.site_save").count() == 2


def test_a_station_outside_a_compound_or_an_unknown_function_is_refused_naming_the_field(world, worker) -> None:
    station = worker.post("/api/v1/community/resources/sites", {
        "kind": "station", "name": "无小区服务站", "community_id": world.east.pk}, content_type="application/json")
    assert station.status_code == 400 and station.json()["errors"][0]["field"] == "compound"
    wrong_community = worker.post("/api/v1/community/resources/sites", {
        "kind": "station", "name": "错社区服务站", "community_id": world.west.pk,
        "compound_id": world.compounds[0].pk}, content_type="application/json")
    assert wrong_community.status_code == 400 and wrong_community.json()["errors"][0]["field"] == "compound"
    unknown = worker.post("/api/v1/community/resources/sites", {
        "kind": "centre", "name": "某中心", "community_id": world.east.pk, "functions": ["spa"]},
        content_type="application/json")
    assert unknown.status_code == 400 and unknown.json()["errors"][0]["field"] == "functions"
    assert not ServiceSite.objects.exists()


def test_two_sites_cannot_share_a_name(world, worker) -> None:
    body = {"kind": "centre", "name": "东梅社区“党建+”邻里中心", "community_id": world.east.pk}
    assert worker.post("/api/v1/community/resources/sites", body, content_type="application/json").status_code == 201
    again = worker.post("/api/v1/community/resources/sites", body, content_type="application/json")
    assert again.status_code == 409 and again.json()["errors"][0]["field"] == "name"
    assert ServiceSite.objects.count() == 1


def test_pilot_grants_add_up_per_compound_and_in_all(world, worker) -> None:
    for compound, yuan in ((world.compounds[1], 20000), (world.compounds[1], 30000), (world.compounds[2], 50000)):
        r = worker.post("/api/v1/community/resources/grants", {
            "compound_id": compound.pk, "source": "fiscal", "amount_yuan": yuan, "granted_on": "2021-03-15",
            "pilot": True}, content_type="application/json")
        assert r.status_code == 201, r.content
    worker.post("/community/resources/grants/", {"compound": world.compounds[3].pk, "source": "party_fee",
                                                 "amount_yuan": "8000", "granted_on": "2021-04-01"})
    body = Client().get("/api/v1/community/resources").json()
    assert body["figures"]["pilot_compounds"] == 2 and body["figures"]["pilot_yuan"] == 100000
    assert body["figures"]["grants_yuan"] == 108000
    assert {"compound": "浅水湾荔苑", "community": "东梅社区", "yuan": 50000, "grants": 2} in body["pilot_compounds"]


def test_a_grant_of_nothing_or_in_the_future_changes_nothing(world, worker) -> None:
    zero = worker.post("/api/v1/community/resources/grants", {
        "compound_id": world.compounds[0].pk, "source": "fiscal", "amount_yuan": 0, "granted_on": "2021-03-15"},
        content_type="application/json")
    assert zero.status_code == 400 and zero.json()["errors"][0]["field"] == "amount_yuan"
    future = worker.post("/api/v1/community/resources/grants", {
        "compound_id": world.compounds[0].pk, "source": "fiscal", "amount_yuan": 10, "granted_on": "2999-01-01"},
        content_type="application/json")
    assert future.status_code == 400 and future.json()["errors"][0]["field"] == "granted_on"
    page = worker.post("/community/resources/grants/", {"compound": world.compounds[0].pk, "source": "gift",
                                                        "amount_yuan": "abc", "granted_on": "2021-03-15"})
    assert page.status_code == 400 and "“abc”不是整数" in page.content.decode()
    assert not FundingGrant.objects.exists()


def test_how_a_secretary_was_chosen_is_published_without_the_name_or_phone(world, worker) -> None:
    branch = a_branch(world.compounds[0], name="浅水湾小区党支部")
    PartyOrg.objects.filter(pk=branch.pk).update(secretary="林某某", secretary_phone="13900001111")
    r = worker.post(f"/api/v1/community/organisations/{branch.pk}/secretary", {
        "background": "retired", "selection": "elected", "note": "城厢区纪委退休干部，兼业委会筹备小组负责人"},
        content_type="application/json")
    assert r.status_code == 200, r.content
    page = Client().get("/community/resources/").content.decode()
    api = json.dumps(Client().get("/api/v1/community/resources").json(), ensure_ascii=False)
    for published in (page, api):
        assert "城厢区纪委退休干部" in published and "林某某" not in published and "13900001111" not in published
    figures = Client().get("/api/v1/community/resources").json()["figures"]
    assert ["离退休人员", 1] in figures["by_background"] and ["小区推选", 1] in figures["by_selection"]
    bad = worker.post(f"/api/v1/community/organisations/{branch.pk}/secretary", {
        "background": "celebrity", "selection": "elected"}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "background"


def test_only_a_community_worker_records_resources(world) -> None:
    volunteer = signed_in(a_user("vol", Role.VOLUNTEER))
    reviewer = signed_in(a_user("rev", Role.REVIEWER))
    body = {"kind": "centre", "name": "某中心", "community_id": world.east.pk}
    for client in (volunteer, reviewer):
        assert client.post("/api/v1/community/resources/sites", body,
                           content_type="application/json").status_code == 403
        assert client.post("/community/resources/sites/", {"kind": "centre", "name": "某中心",
                                                           "community": world.east.pk}).status_code == 403
    assert Client().post("/api/v1/community/resources/grants", {}, content_type="application/json").status_code in (
        401, 403)
    assert not ServiceSite.objects.exists()
    assert "登记服务阵地" not in volunteer.get("/community/resources/").content.decode()


# ------------------------------------------------------------------ the compound pickers (issue 17 item 8)

def _site(world, **over: object) -> dict[str, object]:  # type: ignore[no-untyped-def]
    data: dict[str, object] = {"kind": "station", "name": "浅水湾小区党群服务站", "community": world.east.pk,
                               "compound_label": "浅水湾小区", "spaces": "小区架空层", "functions": ["leisure", "elderly"]}
    data.update(over)
    return data


def _options(html: str, list_id: str) -> list[str]:
    body = html.split(f'<datalist id="{list_id}">', 1)[1].split("</datalist>", 1)[0]
    return re.findall(r'<option value="([^"]*)">', body)


def test_the_forms_pick_a_compound_from_a_searchable_list_not_one_long_select(world, worker) -> None:
    page = worker.get("/community/resources/").content.decode()
    assert '<select name="compound"' not in page
    assert 'list="site-compounds"' in page and 'list="grant-compounds"' in page
    assert _options(page, "site-compounds") == [
        "东梅社区 · 浅水湾小区", "东梅社区 · 浅水湾荔苑", "东梅社区 · 东梅小区", "英龙社区 · 华景城小区", "英龙社区 · 英龙花园"]
    # each picker is labelled and described (the label wraps it; the help text says how to narrow the list)
    assert re.search(r'<label>小区（党群服务站必填） <input name="compound_label" list="site-compounds"[^>]*></label>', page)
    assert 'aria-describedby="site-compound-help"' in page and 'id="site-compound-help"' in page
    # choosing the community first narrows the list to its compounds (htmx fetches them)
    assert 'hx-get="/community/resources/compounds/"' in page
    west = worker.get("/community/resources/compounds/", {"community": world.west.pk}).content.decode()
    assert re.findall(r'<option value="([^"]*)">', west) == ["英龙社区 · 华景城小区", "英龙社区 · 英龙花园"]
    every = worker.get("/community/resources/compounds/", {"community": "x"}).content.decode()
    assert every.count("<option") == 5
    assert Client().get("/community/resources/compounds/").status_code == 302  # workers only


def test_a_station_is_registered_for_the_compound_picked_by_name_or_label(world, worker) -> None:
    # a second 东梅小区 in the other community: the bare name is the one in the community chosen first
    other = compounds_in(world.west, "东梅小区")[0]
    r = worker.post("/community/resources/sites/", _site(world, compound_label="东梅小区", name="东梅小区党群服务站"))
    assert r.status_code == 302, r.content.decode()
    assert ServiceSite.objects.get().compound == world.compounds[2]
    r = worker.post("/community/resources/sites/", _site(world, community=world.west.pk, name="英龙东梅站",
                                                         compound_label="英龙社区 · 东梅小区"))
    assert r.status_code == 302 and ServiceSite.objects.get(name="英龙东梅站").compound == other


def test_a_compound_outside_the_chosen_community_is_refused_naming_the_field_and_nothing_is_written(
        world, worker) -> None:
    for label in ("英龙社区 · 华景城小区", "华景城小区"):
        r = worker.post("/community/resources/sites/", _site(world, compound_label=label))
        page = r.content.decode()
        assert r.status_code == 400
        assert '<span class="error" id="site-compound-error">该小区不在所选社区</span>' in page
        assert 'aria-invalid="true"' in page and 'role="alert"' in page
        assert 'value="浅水湾小区党群服务站"' in page and f'value="{label}"' in page  # what was typed stays
    for label, problem in (("不存在小区", "请从列表中选择小区"), ("", "党群服务站应设在一个小区")):
        r = worker.post("/community/resources/sites/", _site(world, compound_label=label))
        assert r.status_code == 400 and problem in r.content.decode()
    no_community = worker.post("/community/resources/sites/", _site(world, community=""))
    assert no_community.status_code == 400 and "请选择有效的社区" in no_community.content.decode()
    assert not ServiceSite.objects.exists()
    assert not AuditEntry.objects.filter(action="community.site_save").exists()


def test_a_grant_is_recorded_for_the_compound_picked_and_refused_outside_the_chosen_community(
        world, worker) -> None:
    grant = {"community": world.east.pk, "compound_label": "东梅社区 · 浅水湾荔苑", "source": "fiscal",
             "amount_yuan": "20000", "granted_on": "2021-03-15", "pilot": "1"}
    wrong = worker.post("/community/resources/grants/", {**grant, "community": world.west.pk})
    assert wrong.status_code == 400
    assert '<span class="error" id="grant-compound-error">该小区不在所选社区</span>' in wrong.content.decode()
    unknown = worker.post("/community/resources/grants/", {**grant, "community": "", "compound_label": "浅水湾"})
    assert unknown.status_code == 400 and "请从列表中选择小区" in unknown.content.decode()
    assert not FundingGrant.objects.exists()
    assert worker.post("/community/resources/grants/", grant).status_code == 302
    assert worker.post("/community/resources/grants/", {**grant, "community": ""}).status_code == 302
    assert list(FundingGrant.objects.values_list("compound", flat=True)) == [world.compounds[1].pk] * 2


def test_the_secretary_form_picks_the_branch_from_a_list_narrowed_to_the_community_chosen_first(
        world, worker) -> None:
    east = a_branch(world.compounds[0], name="浅水湾小区党支部")
    a_branch(world.compounds[3], name="华景城小区党支部")
    page = worker.get("/community/resources/").content.decode()
    assert '<select name="branch"' not in page and 'list="secretary-branches"' in page
    assert _options(page, "secretary-branches") == ["东梅社区 · 浅水湾小区党支部", "英龙社区 · 华景城小区党支部"]
    west = worker.get("/community/resources/branches/", {"community": world.west.pk}).content.decode()
    assert re.findall(r'<option value="([^"]*)">', west) == ["英龙社区 · 华景城小区党支部"]

    record = {"community": world.west.pk, "branch_label": "东梅社区 · 浅水湾小区党支部", "background": "veteran",
              "selection": "assigned", "note": "军转干部，由社区党委选派"}
    wrong = worker.post("/community/resources/secretaries/", record)
    assert wrong.status_code == 400
    assert '<span class="error" id="secretary-branch-error">该党支部不在所选社区</span>' in wrong.content.decode()
    assert 'value="军转干部，由社区党委选派"' in wrong.content.decode()  # what was typed stays
    unknown = worker.post("/community/resources/secretaries/", {**record, "community": "", "branch_label": "党支部"})
    assert unknown.status_code == 400 and "请从列表中选择小区党支部" in unknown.content.decode()
    bad = worker.post("/community/resources/secretaries/", {**record, "community": world.east.pk,
                                                             "background": "celebrity"})
    assert bad.status_code == 400 and "书记来源不在可选范围内" in bad.content.decode()
    east.refresh_from_db()
    assert east.secretary_background == "" and not AuditEntry.objects.filter(
        action="community.secretary_record").exists()

    ok = worker.post("/community/resources/secretaries/", {**record, "community": world.east.pk,
                                                          "branch_label": "浅水湾小区党支部"})
    assert ok.status_code == 302
    east.refresh_from_db()
    assert (east.secretary_background, east.secretary_selection) == ("veteran", "assigned")
