"""The demo bundles load idempotently on the catalog demo and every bundle answers a notice."""

import pytest

from onewindow.bundles.models import Bundle, BundleItem, Option, OptionMaterial, Question
from onewindow.bundles.notice import bundle_notice
from onewindow.bundles.spec import load_bundle
from onewindow.catalog import demo
from onewindow.demo import bundles as demo_bundles

pytestmark = pytest.mark.django_db


def first_answers(code: str) -> dict[str, str]:
    """Answer every required question with its first option, following revealed follow-ups."""
    spec = load_bundle(code)
    answers: dict[str, str] = {}
    for question in spec.questions:
        if question.shown_when_id is None and question.required:
            answers[question.key] = spec.options[question.id][0].key
    for question in spec.questions:  # follow-ups revealed by the chosen first options
        parent = question.shown_when
        if parent and question.required and answers.get(parent.question.key) == parent.key:
            answers[question.key] = spec.options[question.id][0].key
    return answers


def test_demo_bundles_load_twice_without_changes_and_every_bundle_gives_a_notice() -> None:
    demo.load()
    demo_bundles.load()
    counts = (Bundle.objects.count(), BundleItem.objects.count(), Question.objects.count(), Option.objects.count(),
              OptionMaterial.objects.count())
    demo_bundles.load()
    assert counts == (Bundle.objects.count(), BundleItem.objects.count(), Question.objects.count(),
                      Option.objects.count(), OptionMaterial.objects.count())
    fa = Bundle.objects.filter(code__startswith="fa-")
    assert fa.count() == 10 and Bundle.objects.filter(code__startswith="hl-").count() >= 10
    assert BundleItem.objects.filter(bundle__in=fa).count() >= 75
    for code in Bundle.objects.values_list("code", flat=True):
        notice = bundle_notice(bundle_code=code, answers=first_answers(code))
        assert notice.items, code
        assert notice.before_after.materials_after <= notice.before_after.materials_before

    base = bundle_notice(bundle_code="fa-retire", answers={"retire_type": "normal", "is_soe": "no", "transfer": "no",
                                                           "resident": "no", "card": "ok"})
    soe = bundle_notice(bundle_code="fa-retire", answers={"retire_type": "normal", "is_soe": "yes", "soe_party": "no",
                                                          "transfer": "no", "resident": "no", "card": "ok"})
    assert "国有企业退休人员档案接收" not in [i.name for i in base.items]
    assert "国有企业退休人员档案接收" in [i.name for i in soe.items]
    pharmacy = bundle_notice(bundle_code="hl-pharmacy", answers={"licence": "done", "devices": "none",
                                                                 "health_food": "no", "sign": "no"})
    assert "药店行业综合许可证核发（一业一证）" in [i.name for i in pharmacy.items]
