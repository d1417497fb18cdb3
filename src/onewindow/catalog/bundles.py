"""Bundles (一件事): notice computation (contract used by cases). Stub; being completed."""

from __future__ import annotations

from dataclasses import dataclass, field

from onewindow.core.errors import NotFound


@dataclass(frozen=True)
class NoticeItem:
    item_id: int
    code: str
    name: str
    department_id: int
    department_name: str
    promised_limit: int
    legal_limit: int
    handling_type: str
    max_visits: int


@dataclass(frozen=True)
class NoticeMaterial:
    material_id: int  # CanonicalMaterial id
    code: str
    name: str
    source: str
    necessity: str
    originals: int
    copies: int
    form: str
    item_codes: tuple[str, ...]
    notes: str


@dataclass(frozen=True)
class NoticeField:
    key: str
    label: str
    kind: str
    required: bool
    choices: tuple[str, ...]
    help: str


@dataclass(frozen=True)
class BeforeAfter:
    items: int
    materials_before: int
    materials_after: int
    visits_before: int
    visits_after: int
    days_before: int
    days_after: int


@dataclass(frozen=True)
class Notice:
    kind: str  # "bundle" | "item"
    code: str
    name: str
    answers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    items: tuple[NoticeItem, ...] = ()
    materials: tuple[NoticeMaterial, ...] = ()
    fields: tuple[NoticeField, ...] = ()
    promised_days: int = 0
    place: str = ""
    before_after: BeforeAfter = BeforeAfter(0, 0, 0, 0, 0, 0, 0)


def bundle_notice(*, bundle_code: str, answers: dict[str, str | list[str]]) -> Notice:
    raise NotFound("未找到该一件事", field="bundle_code")


def item_notice(*, item_code: str) -> Notice:
    raise NotFound("未找到该事项", field="item_code")
