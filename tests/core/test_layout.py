import pytest
from django.test import Client

from onewindow.core.access import Role


@pytest.mark.django_db
def test_home_page_renders_for_anonymous_visitor_in_chinese() -> None:
    response = Client().get("/")
    assert response.status_code == 200
    assert "一窗通办" in response.content.decode()


@pytest.mark.django_db
def test_home_page_switches_to_english_when_asked() -> None:
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="en"' in response.content.decode()


@pytest.mark.django_db
def test_large_type_mode_persists_in_a_cookie() -> None:
    client = Client()
    response = client.post("/prefs/large-type/", {"next": "/"})
    assert response.status_code == 302
    assert client.cookies["ow_large"].value == "1"
    assert 'class="large-type"' in client.get("/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_home_page_renders_for_every_role(client_for, role: Role) -> None:
    assert client_for(role).get("/").status_code == 200


@pytest.mark.django_db
def test_api_errors_name_the_field_and_use_the_common_shape(client) -> None:
    response = client.get("/api/v1/ping")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
