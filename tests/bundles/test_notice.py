"""Question rules, material deduplication, merged forms and before/after arithmetic of bundle notices."""

import pytest

from onewindow.bundles.notice import bundle_notice, item_notice
from onewindow.core.errors import NotFound, ServiceError
from tests.bundles.builders import build_bundle

pytestmark = pytest.mark.django_db


def problems_of(call) -> dict[str, str]:
    with pytest.raises(ServiceError) as caught:
        call()
    assert caught.value.status == 400
    return {p.field: p.message for p in caught.value.problems}


def test_required_question_unanswered_is_refused_naming_the_question() -> None:
    build_bundle()
    problems = problems_of(lambda: bundle_notice(bundle_code="T-RETIRE", answers={}))
    assert set(problems) == {"is_soe"}
    assert "是否国有企业" in problems["is_soe"]


def test_follow_up_question_is_required_only_once_revealed_by_its_option() -> None:
    build_bundle()
    notice = bundle_notice(bundle_code="T-RETIRE", answers={"is_soe": "no"})
    assert notice.answers == {"is_soe": ("no",)}
    problems = problems_of(lambda: bundle_notice(bundle_code="T-RETIRE", answers={"is_soe": "yes"}))
    assert set(problems) == {"soe_kind"}


def test_answer_to_a_hidden_follow_up_question_is_refused() -> None:
    build_bundle()
    problems = problems_of(lambda: bundle_notice(bundle_code="T-RETIRE",
                                                 answers={"is_soe": "no", "soe_kind": "local"}))
    assert set(problems) == {"soe_kind"}
    assert "不适用" in problems["soe_kind"]


def test_unknown_option_and_unknown_question_are_refused_in_one_error() -> None:
    build_bundle()
    problems = problems_of(lambda: bundle_notice(bundle_code="T-RETIRE",
                                                 answers={"is_soe": "maybe", "colour": "red", "extras": ["x", "z"]}))
    assert set(problems) == {"is_soe", "colour", "extras"}
    assert "maybe" in problems["is_soe"] and "z" in problems["extras"]


def test_several_answers_to_a_single_choice_question_are_refused_but_multi_accepts_them() -> None:
    build_bundle()
    problems = problems_of(lambda: bundle_notice(bundle_code="T-RETIRE", answers={"is_soe": ["yes", "no"]}))
    assert "单选" in problems["is_soe"]
    notice = bundle_notice(bundle_code="T-RETIRE", answers={"is_soe": "no", "extras": ["x", "y"]})
    assert notice.answers["extras"] == ("x", "y")


def test_unknown_bundle_is_not_found() -> None:
    with pytest.raises(NotFound):
        bundle_notice(bundle_code="NOPE", answers={})
    with pytest.raises(NotFound):
        item_notice(item_code="NOPE")


def test_option_selects_its_items_and_materials_are_asked_once_with_strictest_terms() -> None:
    built = build_bundle()
    notice = bundle_notice(bundle_code="T-RETIRE", answers={"is_soe": "yes", "soe_kind": "local"})
    assert [i.code for i in notice.items] == ["T-RETIRE-A", "T-RETIRE-B", "T-RETIRE-C"]
    by_id = {m.material_id: m for m in notice.materials}
    assert len(notice.materials) == 5
    id_card = by_id[built.id_card.id]
    assert (id_card.necessity, id_card.originals, id_card.copies) == ("1", 1, 3)
    assert id_card.item_codes == ("T-RETIRE-A", "T-RETIRE-B", "T-RETIRE-C")
    assert id_card.notes == "正反面复印"
    archive = by_id[built.archive.id]
    assert (archive.originals, archive.copies, archive.item_codes) == (1, 2, ("T-RETIRE-C",))
    assert by_id[built.soe_proof.id].item_codes == ("T-RETIRE-C",)
    assert by_id[built.photo.id].necessity == "3"


def test_not_chosen_option_leaves_its_items_out() -> None:
    built = build_bundle()
    notice = bundle_notice(bundle_code="T-RETIRE", answers={"is_soe": "no"})
    assert [i.code for i in notice.items] == ["T-RETIRE-A", "T-RETIRE-B"]
    assert {m.material_id for m in notice.materials} == {built.id_card.id, built.licence.id, built.photo.id}
    assert "soe_name" not in {f.key for f in notice.fields}


def test_fields_with_the_same_key_are_asked_once_in_one_merged_form() -> None:
    build_bundle()
    notice = bundle_notice(bundle_code="T-RETIRE", answers={"is_soe": "yes", "soe_kind": "central"})
    fields = {f.key: f for f in notice.fields}
    assert list(fields) == ["name", "mobile", "level", "soe_name"]
    assert fields["name"].label == "姓名" and fields["name"].required is True
    assert fields["level"].choices == ("一级", "二级", "三级")


def test_before_after_arithmetic_uses_sums_against_the_bundle() -> None:
    build_bundle()
    notice = bundle_notice(bundle_code="T-RETIRE", answers={"is_soe": "yes", "soe_kind": "local"})
    ba = notice.before_after
    assert (ba.items, ba.materials_before, ba.materials_after) == (3, 8, 5)
    assert (ba.visits_before, ba.visits_after) == (4, 1)
    assert (ba.days_before, ba.days_after) == (18, 10)  # 5+10+3 vs the longest item
    assert notice.promised_days == 10
    ba = bundle_notice(bundle_code="T-RETIRE", answers={"is_soe": "no"}).before_after
    assert (ba.items, ba.materials_before, ba.materials_after, ba.visits_before, ba.days_before) == (2, 4, 3, 3, 15)


def test_the_promise_is_the_longest_limit_of_the_items_the_answers_select() -> None:
    built = build_bundle(code="T-SLOW")
    built.c.promised_limit = 15  # the item only state-owned enterprises need is now the slowest
    built.c.save()
    without = bundle_notice(bundle_code="T-SLOW", answers={"is_soe": "no"})
    with_c = bundle_notice(bundle_code="T-SLOW", answers={"is_soe": "yes", "soe_kind": "central"})
    assert (without.promised_days, without.before_after.days_after) == (10, 10)
    assert (with_c.promised_days, with_c.before_after.days_after) == (15, 15)


def test_item_notice_lists_one_items_materials_and_form() -> None:
    built = build_bundle()
    notice = item_notice(item_code="T-RETIRE-B")
    assert notice.kind == "item" and [i.code for i in notice.items] == ["T-RETIRE-B"]
    assert {m.material_id for m in notice.materials} == {built.id_card.id, built.photo.id}
    assert [f.key for f in notice.fields] == ["name", "level"]
    assert notice.promised_days == 10
