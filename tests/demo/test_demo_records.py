"""Demo records that look right to anyone from the field (issue 19): the after-death bundle is applied for by a
relative, never by the deceased; a bank is a bank; a legal representative is a person, not a placeholder; the
cases a user opens list the materials that were checked, not 无."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from onewindow.cases.models import Application, Case, CaseMaterial
from onewindow.core import clock
from onewindow.demo import bundles as bundles_demo
from onewindow.demo import cases as cases_demo
from onewindow.demo import catalog as catalog_demo
from onewindow.demo import logins

ON = dt.datetime(2026, 11, 20, 12)
pytestmark = [pytest.mark.django_db, pytest.mark.once_on_sqlite]


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """Loaded once for the module (the cases demo takes a while); emptied again after its last test."""
    with django_db_blocker.unblock():
        logins.load()
        catalog_demo.load()
        bundles_demo.load()
        with clock.frozen(ON):
            cases_demo.load()
        yield
        from django.core.management import call_command

        call_command("flush", interactive=False, verbosity=0)


def test_demo_form_values_name_the_right_people_and_things(demo) -> None:
    after_death = list(Application.objects.filter(code="fa-after-death").select_related("applicant"))
    assert after_death
    for app in after_death:
        deceased = app.form_data.get("deceased_name")
        assert deceased and deceased != app.applicant.name
    banks = [v for app in Application.objects.exclude(form_data={}).only("form_data")
             for k, v in app.form_data.items() if k in ("bank_name", "card_bank")]
    assert banks and all("银行" in b or "信用社" in b for b in banks), sorted(set(banks))[:10]
    values = [str(v) for app in Application.objects.only("form_data") for v in app.form_data.values()]
    assert not [v for v in values if "（演示）" in v]
    for app in Application.objects.filter(applicant__kind="enterprise").select_related("applicant")[:200]:
        if "legal_rep" in app.form_data:
            assert app.form_data["legal_rep"] == app.applicant.legal_representative
        if "enterprise_name" in app.form_data:
            assert app.form_data["enterprise_name"] == app.applicant.name


def test_open_cases_and_the_old_single_item_cases_list_their_checked_materials(demo) -> None:
    with_materials = set(CaseMaterial.objects.values_list("case_id", flat=True))
    open_cases = Case.objects.filter(status__in=["received", "accepted", "under_review", "supplement"])
    assert open_cases.exists() and not open_cases.exclude(pk__in=with_materials).exists()
    before = Case.objects.filter(application__kind="item", application__submitted_at__year=2020)
    assert before.filter(pk__in=with_materials).count() > before.count() * 0.9
