"""Queries the guide could not answer reach the catalog admins without personal data, and one click teaches the
guide a synonym (audited); only catalog admins may see the report or add synonyms."""

import pytest

from onewindow.core.access import Role
from onewindow.core.models import AuditEntry
from onewindow.navigator.models import MissedQuery, MissKind, Synonym
from onewindow.navigator.services.misses import clean_query

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("raw", "kept"), [
    ("我的身份证350206199001011234丢了", "我的身份证丢了"),
    ("手机 139 0593 1234 办社保", "手机 办社保"),
    ("案件号 CS20261204-0001 怎么查", "案件号 怎么查"),
    ("email me at li@example.com about hukou", "email me at about hukou"),
    ("13905931234", ""),
    ("ab", ""),
])
def test_personal_data_is_cut_from_a_query_before_it_is_kept(raw, kept):
    assert clean_query(raw) == kept


def test_a_query_with_no_result_is_counted_without_its_numbers(client, guide_catalog):
    for _ in range(2):
        assert client.get("/api/v1/navigator", {"q": "干洗店 13905931234"}).json()["count"] == 0
    assert client.get("/navigator/", {"q": "干洗店"}).status_code == 200
    miss = MissedQuery.objects.get()
    assert (miss.text, miss.kind, miss.count, miss.language) == ("干洗店", MissKind.NO_RESULT, 3, "zh")


def test_a_citizen_can_say_none_of_the_results_is_what_they_need(client, guide_catalog):
    page = client.get("/navigator/", {"q": "开饭店"}).content.decode()
    assert 'action="/navigator/not-found/"' in page
    r = client.post("/navigator/not-found/", {"q": "开饭店 想开分店"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "谢谢" in r.content.decode()
    assert MissedQuery.objects.get().kind == MissKind.ABANDONED
    assert client.get("/navigator/not-found/").status_code == 405


def test_catalog_admin_adds_a_synonym_in_one_click_and_the_guide_finds_it(client, client_for, guide_catalog):
    client.get("/api/v1/navigator", {"q": "干洗店"})
    admin = client_for(Role.CATALOG_ADMIN)
    report = admin.get("/navigator/misses/").content.decode()
    miss = MissedQuery.objects.get()
    assert "干洗店" in report and f"/navigator/misses/{miss.pk}/synonym/" in report
    r = admin.post(f"/navigator/misses/{miss.pk}/synonym/", {"targets": "公共场所卫生许可"})
    assert r.status_code == 302
    synonym = Synonym.objects.get()
    assert (synonym.phrase, synonym.targets, synonym.language) == ("干洗店", "公共场所卫生许可", "zh")
    miss.refresh_from_db()
    assert miss.resolved_at is not None
    assert AuditEntry.objects.filter(action="navigator.synonym_add", target_id=str(synonym.pk)).exists()
    found = client.get("/api/v1/navigator", {"q": "干洗店"}).json()["results"]
    assert found and found[0]["code"] == "T-1101"


def test_an_english_synonym_teaches_the_guide_english(client, client_for, guide_catalog):
    client.get("/api/v1/navigator", {"q": "laundromat"})
    miss = MissedQuery.objects.get()
    assert miss.language == "en"
    admin = client_for(Role.CATALOG_ADMIN)
    admin.post(f"/navigator/misses/{miss.pk}/synonym/", {"targets": "公共场所卫生许可"})
    assert Synonym.objects.get().language == "en"
    assert client.get("/api/v1/navigator", {"q": "open a laundromat"}).json()["results"][0]["code"] == "T-1101"


def test_a_synonym_without_targets_is_refused_and_nothing_changes(client, client_for, guide_catalog):
    client.get("/api/v1/navigator", {"q": "干洗店"})
    miss = MissedQuery.objects.get()
    admin = client_for(Role.CATALOG_ADMIN)
    admin.post(f"/navigator/misses/{miss.pk}/synonym/", {"targets": " , "})
    assert not Synonym.objects.exists()
    miss.refresh_from_db()
    assert miss.resolved_at is None


def test_dismissing_a_missed_query_is_audited(client, client_for, guide_catalog):
    client.get("/api/v1/navigator", {"q": "干洗店"})
    miss = MissedQuery.objects.get()
    admin = client_for(Role.CATALOG_ADMIN)
    assert admin.post(f"/navigator/misses/{miss.pk}/dismiss/").status_code == 302
    miss.refresh_from_db()
    assert miss.resolution == "dismissed"
    assert AuditEntry.objects.filter(action="navigator.miss_dismiss").count() == 1
    assert "干洗店" not in admin.get("/navigator/misses/").content.decode()
    assert admin.post("/navigator/misses/999999/dismiss/").status_code == 404


@pytest.mark.parametrize("role", [Role.CITIZEN, Role.CLERK, Role.REVIEWER, Role.SUPERVISOR])
def test_only_catalog_admins_see_the_report_or_add_synonyms(client, client_for, guide_catalog, role):
    client.get("/api/v1/navigator", {"q": "干洗店"})
    miss = MissedQuery.objects.get()
    other = client_for(role)
    assert other.get("/navigator/misses/").status_code == 403
    assert other.post(f"/navigator/misses/{miss.pk}/synonym/", {"targets": "公共场所卫生许可"}).status_code == 403
    assert other.post(f"/navigator/misses/{miss.pk}/dismiss/").status_code == 403
    anonymous = client.get("/navigator/misses/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    assert not Synonym.objects.exists()
