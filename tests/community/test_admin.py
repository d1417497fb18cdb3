"""The admin writes community configuration through the services: each write is validated by the service's rules
and leaves its audit entry; membership of teams is not edited there (it is a member event)."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from onewindow.community.models import Compound, MenuItem, PartyOrg
from onewindow.core.models import AuditEntry

from .builders import a_community, a_menu_item, compounds_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(db: None) -> Client:
    client = Client()
    client.force_login(User.objects.create(username="root", is_staff=True, is_superuser=True))
    return client


def test_a_compound_added_in_the_admin_is_audited(admin_client: Client) -> None:
    community = a_community("东梅社区")
    response = admin_client.post("/admin/community/compound/add/", {"community": community.pk, "name": "浅水湾小区",
                                                                   "households": 320, "grid": ""})
    assert response.status_code == 302, response.content[:500]
    compound = Compound.objects.get(name="浅水湾小区")
    assert AuditEntry.objects.filter(action="community.compound_create", target_id=str(compound.pk)).exists()


def test_a_branch_saved_in_the_admin_follows_the_services_rules(admin_client: Client) -> None:
    community = a_community("东梅社区")
    a, b = compounds_in(community, "浅水湾小区", "浅水湾荔苑")
    fields = {"kind": PartyOrg.Kind.COMPOUND_BRANCH, "name": "浅水湾联合党支部", "street": "", "community": "",
              "building": "", "parent": "", "secretary": "", "secretary_phone": ""}
    refused = admin_client.post("/admin/community/partyorg/add/", fields)  # no compound covered
    assert refused.status_code == 200 and "小区党支部须至少覆盖一个小区" in refused.content.decode()
    assert not PartyOrg.objects.exists()

    assert admin_client.post("/admin/community/partyorg/add/", {**fields, "compounds": [a.pk, b.pk]}).status_code == 302
    branch = PartyOrg.objects.get()
    assert (branch.form, branch.community) == (PartyOrg.Form.JOINT, community)  # joint: it covers two compounds
    assert AuditEntry.objects.filter(action="community.partyorg_create", target_id=str(branch.pk)).exists()
    changed = admin_client.post(f"/admin/community/partyorg/{branch.pk}/change/",
                                {**fields, "name": "浅水湾小区党支部", "compounds": [a.pk]})
    assert changed.status_code == 302
    branch.refresh_from_db()
    assert branch.form == PartyOrg.Form.INDEPENDENT and list(branch.compounds.all()) == [a]
    assert AuditEntry.objects.filter(action="community.partyorg_update", target_id=str(branch.pk)).exists()


def test_menu_items_deleted_in_the_admin_are_audited_one_by_one(admin_client: Client) -> None:
    one, two, three = a_menu_item("义诊服务"), a_menu_item("法律咨询"), a_menu_item("理发服务")
    assert admin_client.post(f"/admin/community/menuitem/{one.pk}/delete/", {"post": "yes"}).status_code == 302
    assert admin_client.post("/admin/community/menuitem/", {"action": "delete_selected", "post": "yes",
                                                            "_selected_action": [two.pk, three.pk]}).status_code == 302
    assert not MenuItem.objects.exists()
    deleted = set(AuditEntry.objects.filter(action="community.menuitem_delete").values_list("target_id", flat=True))
    assert deleted == {str(one.pk), str(two.pk), str(three.pk)}


def test_team_members_are_not_edited_in_the_admin(admin_client: Client) -> None:
    page = admin_client.get("/admin/community/team/add/").content.decode()
    assert 'name="leader"' in page and 'name="members"' not in page
