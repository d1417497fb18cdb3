"""Menus link only to pages the role may open (from the routes' own `@allow`), and every link is reachable."""

import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from onewindow.core.access import PUBLIC, Role
from onewindow.core.nav import access_of, all_items, group_of, may_open

pytestmark = pytest.mark.once_on_postgres  # see scripts/test.sh

# None: an anonymous visitor. Outlet staff (intake) open their pages only once assigned to an outlet: left out here.
ROLES = [None, *(role for role in Role if role != "outlet_staff")]


@pytest.fixture(autouse=True)
def a_hall(db: None) -> None:
    """The hall statistics open on a hall: an install has at least one."""
    from onewindow.hall.models import Hall

    Hall.objects.create(code="huli", name="湖里区政务服务中心")


VOID = ("br", "img", "input", "meta", "link", "hr", "source", "wbr", "area", "col", "embed")


class Links(HTMLParser):
    """The href of every <a> inside the element whose id or class is `within`."""

    def __init__(self, within: str) -> None:
        super().__init__()
        self.within, self.depth, self.hrefs = within, 0, []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if self.depth:
            self.depth += tag not in VOID
        elif values.get("id") == self.within or self.within in (values.get("class") or "").split():
            self.depth = 1
        if self.depth and tag == "a" and values.get("href"):
            self.hrefs.append(values["href"])

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag not in VOID:
            self.depth -= 1


def links(html: str, within: str) -> list[str]:
    parser = Links(within)
    parser.feed(html)
    return parser.hrefs


def client_as(client_for, role: Role | None) -> Client:
    return Client() if role is None else client_for(role)


def menu_links(client: Client) -> list[str]:
    return links(client.get("/").content.decode(), "site-nav")


def same_site(href: str) -> bool:
    return href.startswith("/") and not href.startswith(("//", "/api/", "/static/", "/admin/", "/i18n/"))


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES, ids=lambda r: str(r or "anonymous"))
def test_every_menu_link_opens_for_the_role(client_for, role: Role | None) -> None:
    client = client_as(client_for, role)
    menu = menu_links(client)
    assert menu, "every visitor has a menu"
    for href in menu:
        response = client.get(href)
        assert response.status_code not in (403, 404, 405), f"{role}: menu links to {href} ({response.status_code})"
        assert response.status_code < 500, f"{role}: {href} answered {response.status_code}"
        if role is None:
            assert response.status_code == 200, f"an anonymous visitor's menu links to {href}, which asks to sign in"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES, ids=lambda r: str(r or "anonymous"))
def test_links_on_each_menu_page_open_for_the_role(client_for, role: Role | None) -> None:
    """One step further than the menu: the buttons and links on each page the menu opens (the reviewer's
    suggestion list once offered "import a survey", which only a supervisor may open)."""
    client = client_as(client_for, role)
    refused, seen = [], {"/accounts/logout/"}
    for page in menu_links(client):
        html = client.get(page).content.decode()
        for href in sorted({h for h in links(html, "main") if same_site(h)} - seen):
            seen.add(href)
            status = client.get(href).status_code
            if status in (403, 404, 405):
                refused.append(f"{page} -> {href} ({status})")
    assert not refused, f"{role}: links to pages the role may not open: {refused}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES[1:])
def test_the_menu_shows_every_page_meant_for_the_role_that_it_may_open(client_for, role: Role) -> None:
    from django.urls import reverse

    client = client_for(role)
    shown = set(menu_links(client))
    for item in all_items():
        url = reverse(item.url_name)
        meant = PUBLIC in item.roles or role in item.roles or "signed_in" in item.roles
        if meant and may_open(client.user, url):
            assert url in shown, f"{role} should see {item.url_name}"
        if not may_open(client.user, url):
            assert url not in shown


def test_every_menu_item_points_to_a_page_that_declares_who_may_open_it() -> None:
    from django.urls import reverse

    for item in all_items():
        assert access_of(reverse(item.url_name)), f"{item.url_name} has no @allow"


def test_every_menu_item_falls_in_a_labelled_group() -> None:
    from onewindow.core.nav import GROUPS

    for item in all_items():
        assert group_of(item) in GROUPS


@pytest.mark.django_db
def test_a_reviewer_is_not_offered_the_survey_import_on_the_suggestion_list(client_for) -> None:
    html = client_for(Role.REVIEWER).get("/feedback/suggestions/").content.decode()
    assert "/feedback/suggestions/import/" not in html
    assert "/feedback/suggestions/import/" in client_for(Role.SUPERVISOR).get("/feedback/suggestions/").content.decode()


@pytest.mark.django_db
def test_the_menu_is_grouped_under_a_few_labels(client_for) -> None:
    html = client_for(Role.SUPERVISOR).get("/").content.decode()
    nav = html[html.index('class="site-nav"'):html.index("</nav>")]
    assert 2 <= len(re.findall(r'<details class="nav-group"', nav)) <= 5
    assert "overflow-x" not in nav
