"""Answers to a bundle's situational questions (情形): which questions are visible, which options are chosen.

Answers are `{question_key: option_key | [option_key, ...]}`; in a URL they are plain query parameters
(`?is_soe=yes&scope=a&scope=b`) — see `answers_from_query` and `answers_to_query`. A follow-up question is
visible only when the option it hangs on (`Question.shown_when`) is chosen, and only then may it be answered.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlencode

from django.utils.translation import gettext as _

from onewindow.bundles.models import Option, Question, QuestionKind
from onewindow.bundles.spec import BundleSpec
from onewindow.core.errors import FieldProblem

# A chain of follow-ups deeper than this is a configuration loop, not a real situation.
MAX_FOLLOW_UP_DEPTH = 20


class QueryLike(Protocol):
    def getlist(self, key: str) -> list[str]: ...


@dataclass
class Evaluation:
    """The outcome of a set of answers: the visible questions, the chosen options, and every problem."""

    visible: list[Question]
    chosen: dict[int, list[Option]]  # question id → chosen (valid) options
    answers: dict[str, tuple[str, ...]]  # the accepted answers (visible questions, known options)
    problems: list[FieldProblem]

    def chosen_keys(self, question: Question) -> tuple[str, ...]:
        return tuple(o.key for o in self.chosen.get(question.id, []))


def _normalize_value(value: Any) -> tuple[str, ...] | None:
    """One answer as a tuple of option keys; None when it is neither a key nor a list of keys."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value.strip(),) if value.strip() else ()
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return tuple(dict.fromkeys(v.strip() for v in value if v.strip()))
    return None


def normalize(answers: Mapping[str, Any] | None) -> tuple[dict[str, tuple[str, ...]], list[FieldProblem]]:
    result: dict[str, tuple[str, ...]] = {}
    problems: list[FieldProblem] = []
    for key, value in (answers or {}).items():
        values = _normalize_value(value)
        if values is None:
            problems.append(FieldProblem(str(key), _("回答须为选项标识或选项标识列表")))
        else:
            result[str(key)] = values
    return result, problems


class _Visibility:
    """Which questions are visible and which options are chosen, resolving follow-ups on demand (memoised)."""

    def __init__(self, spec: BundleSpec, normalized: dict[str, tuple[str, ...]]) -> None:
        self.spec = spec
        self.normalized = normalized
        self.option_by_id = {o.id: o for opts in spec.options.values() for o in opts}
        self.question_by_id = {q.id: q for q in spec.questions}
        self.visible: dict[int, bool] = {}
        self.chosen: dict[int, list[Option]] = {}

    def is_visible(self, question: Question, depth: int = 0) -> bool:
        if question.id not in self.visible:
            self.visible[question.id] = self._resolve_visible(question, depth)
        return self.visible[question.id]

    def _resolve_visible(self, question: Question, depth: int) -> bool:
        if question.shown_when_id is None:
            return True
        parent_option = self.option_by_id.get(question.shown_when_id)
        if parent_option is None or depth > MAX_FOLLOW_UP_DEPTH:
            return False
        parent = self.question_by_id[parent_option.question_id]
        return self.is_visible(parent, depth + 1) and parent_option in self.choose(parent)

    def choose(self, question: Question) -> list[Option]:
        if question.id in self.chosen:
            return self.chosen[question.id]
        self.chosen[question.id] = []  # guards against cycles
        values = self.normalized.get(question.key, ())
        if not values or not self.is_visible(question):
            return self.chosen[question.id]
        options = {o.key: o for o in self.spec.options.get(question.id, [])}
        picked = [options[v] for v in values if v in options]
        if question.kind == QuestionKind.SINGLE:
            picked = picked[:1]
        self.chosen[question.id] = picked
        return picked


def _answer_problems(spec: BundleSpec, question: Question, values: tuple[str, ...]) -> list[FieldProblem]:
    """What is wrong with the answer to a visible question (unanswered, unknown options, too many)."""
    if not values:
        return [FieldProblem(question.key, _("请回答：%(q)s") % {"q": question.text})] if question.required else []
    problems = []
    option_keys = {o.key for o in spec.options.get(question.id, [])}
    unknown = [v for v in values if v not in option_keys]
    if unknown:
        problems.append(FieldProblem(question.key, _("“%(q)s”没有选项：%(opts)s")
                                     % {"q": question.text, "opts": "、".join(unknown)}))
    if question.kind == QuestionKind.SINGLE and len(values) > 1:
        problems.append(FieldProblem(question.key, _("“%(q)s”是单选题，只能选一项") % {"q": question.text}))
    return problems


def evaluate(spec: BundleSpec, answers: Mapping[str, Any] | None) -> Evaluation:
    """Decide which questions are visible and which options are chosen; collect every problem."""
    normalized, problems = normalize(answers)
    known = {q.key for q in spec.questions}
    problems += [FieldProblem(key, _("没有这个情形问题：%(key)s") % {"key": key}) for key in normalized
                 if key not in known]
    state = _Visibility(spec, normalized)
    accepted: dict[str, tuple[str, ...]] = {}
    for question in spec.questions:
        values = normalized.get(question.key, ())
        if not state.is_visible(question):
            if values:
                problems.append(FieldProblem(question.key, _("“%(q)s”在当前情形下不适用，请不要回答")
                                             % {"q": question.text}))
            continue
        problems += _answer_problems(spec, question, values)
        picked = state.choose(question) if values else []
        if picked:
            accepted[question.key] = tuple(o.key for o in picked)
    visible_questions = [q for q in spec.questions if state.visible.get(q.id)]
    chosen_visible = {q.id: state.chosen.get(q.id, []) for q in visible_questions}
    return Evaluation(visible_questions, chosen_visible, accepted, problems)


def answers_from_query(query: QueryLike, *, spec: BundleSpec) -> dict[str, list[str]]:
    """Answers from a QueryDict (`?key=option&multi=a&multi=b`); parameters that are not questions are ignored."""
    answers: dict[str, list[str]] = {}
    for question in spec.questions:
        values = [v for v in query.getlist(question.key) if v]
        if values:
            answers[question.key] = values
    return answers


def answers_to_query(answers: Mapping[str, Iterable[str] | str]) -> str:
    pairs: list[tuple[str, str]] = []
    for key, values in answers.items():
        for value in ([values] if isinstance(values, str) else values):
            pairs.append((key, value))
    return urlencode(pairs)
