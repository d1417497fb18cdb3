"""The bundle admin writes through bundles.services: every save and delete validated and audited, many-to-many
fields (an option's items, a bundle's considered items) set by the same call, and the rules that hold questions
together kept."""

import pytest
from django.test import Client

from onewindow.bundles import services
from onewindow.bundles.models import Bundle, Option, Question
from onewindow.catalog.models import Department, ServiceItem
from onewindow.core.errors import ServiceError
from onewindow.core.models import AuditEntry
from tests.bundles.builders import build_bundle
from tests.catalog.admin_forms import admin_form_data

pytestmark = pytest.mark.django_db


def test_saving_a_bundle_in_the_admin_is_audited_and_sets_its_considered_items(admin_client: Client) -> None:
    built = build_bundle()
    other = ServiceItem.objects.create(code="T-OTHER", name="审视过的事项", department=built.a.department)
    url = f"/admin/bundles/bundle/{built.bundle.pk}/change/"
    data = admin_form_data(admin_client.get(url))
    data.update({"name_en": "Retire", "region": "350981", "first_in_city": "on", "considered_items": [other.pk]})
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    bundle = Bundle.objects.get(pk=built.bundle.pk)
    assert (bundle.name_en, bundle.region, bundle.first_in_city) == ("Retire", "350981", True)
    assert list(bundle.considered_items.values_list("code", flat=True)) == ["T-OTHER"]
    entry = AuditEntry.objects.get(action="bundles.bundle_update", target_id=str(bundle.pk))
    assert set(entry.detail["changed"]) >= {"name_en", "region", "first_in_city", "considered_items"}


def test_an_options_items_are_saved_through_the_question_page_and_audited(admin_client: Client) -> None:
    built = build_bundle()
    question = Question.objects.get(bundle=built.bundle, key="is_soe")
    url = f"/admin/bundles/question/{question.pk}/change/"
    data = admin_form_data(admin_client.get(url))
    no = next(i for i in range(2) if data[f"options-{i}-key"] == "no")
    data[f"options-{no}-items"] = [built.b.pk]
    data[f"options-{no}-label_en"] = "No"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    option = Option.objects.get(question=question, key="no")
    assert (option.label_en, list(option.items.values_list("code", flat=True))) == ("No", ["T-RETIRE-B"])
    assert AuditEntry.objects.filter(action="bundles.option_update", target_id=str(option.pk)).exists()


def test_deleting_a_bundle_in_the_admin_is_audited(admin_client: Client) -> None:
    built = build_bundle()
    response = admin_client.post(f"/admin/bundles/bundle/{built.bundle.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not Bundle.objects.filter(pk=built.bundle.pk).exists()
    assert AuditEntry.objects.get(action="bundles.bundle_delete").detail == {"name": "测试退休一件事"}
    assert not Question.objects.filter(bundle_id=built.bundle.pk).exists()


def test_an_option_selects_only_its_own_bundles_items_and_a_follow_up_stays_in_its_bundle() -> None:
    built = build_bundle()
    elsewhere = build_bundle(code="T-SHOP")
    option = Option.objects.get(question__bundle=built.bundle, key="no")
    with pytest.raises(ServiceError) as caught:
        services.record_save(record=option, actor=None, relations={"items": [elsewhere.a]})
    assert caught.value.problems[0].field == "items"
    assert not option.items.exists()

    question = Question.objects.get(bundle=built.bundle, key="extras")
    question.shown_when = Option.objects.get(question__bundle=elsewhere.bundle, key="yes")
    with pytest.raises(ServiceError) as caught:
        services.record_save(record=question, actor=None)
    assert caught.value.problems[0].field == "shown_when"
    assert Question.objects.get(pk=question.pk).shown_when_id is None
    assert Department.objects.filter(code="T-SHOP-D1").exists()  # the other bundle is untouched
