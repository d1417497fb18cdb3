"""Admin: agencies are saved through the service (audited); the other tables are read only there."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.test import Client

from onewindow.core.models import AuditEntry
from onewindow.listening.models import Agency
from tests.listening.conftest import World


def test_an_agency_added_in_the_admin_goes_through_the_service_and_the_rest_is_read_only(world: World) -> None:
    admin = User.objects.create_superuser("root", "", "pw-for-tests-1")
    client = Client()
    client.force_login(admin)
    added = client.post("/admin/listening/agency/add/", {"name": "第三方B", "contract_start": "2019-01-01",
                                                         "contract_end": "2019-12-31"})
    assert added.status_code == 302, added.content.decode()[:2000]
    assert Agency.objects.get().name == "第三方B"
    assert AuditEntry.objects.filter(action="listening.agency_save").count() == 1
    for model in ("forum", "officer", "experiencesession", "receptionday", "booking", "listeningfinding",
                  "mysteryvisit"):
        assert client.get(f"/admin/listening/{model}/").status_code == 200
        assert client.get(f"/admin/listening/{model}/add/").status_code == 403
