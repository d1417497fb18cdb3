"""Reads the demo catalog's data files (data/catalog/*.yaml) into plain records and checks them.

No database here: the loader that writes the catalog builds on `read_catalog()`. Run it on its own to see the
counts and every problem:

    .venv/bin/python -m onewindow.demo.catalog_data            # the packaged files
    .venv/bin/python -m onewindow.demo.catalog_data DIR        # another folder of the same shape
"""

from __future__ import annotations

import functools
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from onewindow.core.validators import credit_code_check_char

DATA_DIR = Path(__file__).resolve().parent / "data" / "catalog"

ITEM_TYPES = {"00", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "20"}
AUDIENCES = {"person", "enterprise", "both"}
SOURCES = {"10", "20", "30", "40"}
FORMS = {"paper", "electronic", "both"}
FIELD_KINDS = {"text", "number", "date", "choice", "id_number", "mobile", "credit_code", "textarea"}
NECESSITY = {"": "1", "?": "2", "~": "3"}  # required, optional, 容缺后补 (catalog.models.MaterialNecessity)


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    name_en: str
    prefix: str
    description: str = ""
    description_en: str = ""


@dataclass(frozen=True)
class Department:
    code: str
    name: str
    name_en: str
    short_name: str
    short_name_en: str
    parent: str
    credit_code: str
    region: str
    address: str
    phone: str
    legal_basis: str = ""


@dataclass(frozen=True)
class Material:
    code: str
    name: str
    name_en: str
    issuer: str
    source: str
    originals: int
    copies: int
    form: str
    aliases_en: tuple[str, ...] = ()


@dataclass(frozen=True)
class ItemMaterial:
    code: str
    necessity: str  # "1" required, "2" optional, "3" deferrable


@dataclass(frozen=True)
class Item:
    code: str  # implementation code: "<region>-<basic_code>"
    basic_code: str
    region: str
    name: str
    name_en: str
    type: str
    audience: str
    department: str
    category: str
    level: str
    legal: int
    promised: int
    visits: int
    visits_reason: str
    depth: int
    result: str
    result_en: str
    materials: tuple[ItemMaterial, ...]
    aliases: tuple[str, ...]
    aliases_en: tuple[str, ...]
    conditions: str
    fee: str
    handling_department: str
    legal_basis: str
    steps: tuple[str, ...]
    fields: tuple[str, ...]
    speedup: str
    before: int | None
    standard: int | None
    source_file: str


@dataclass(frozen=True)
class Option:
    key: str
    label: str
    label_en: str
    items: tuple[str, ...]
    materials: tuple[str, ...]
    fields: tuple[str, ...]
    follow_up: tuple[Question, ...]


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    text_en: str
    kind: str
    options: tuple[Option, ...]
    help: str = ""
    help_en: str = ""
    required: bool = True


@dataclass(frozen=True)
class Bundle:
    code: str
    name: str
    name_en: str
    region: str
    lead: str
    category: str
    audience: str
    first_in_city: bool
    launched: str
    visits: int
    description: str
    description_en: str
    aliases: tuple[str, ...]
    aliases_en: tuple[str, ...]
    items: tuple[str, ...]
    questions: tuple[Question, ...]
    source_file: str
    # items reviewed for this scenario but not packed into it (Fu'an reviewed 86 items for 81 slots)
    considered: tuple[str, ...] = ()

    def all_questions(self) -> Iterator[Question]:
        stack = list(self.questions)
        while stack:
            question = stack.pop(0)
            yield question
            for option in question.options:
                stack.extend(option.follow_up)

    def all_item_codes(self) -> set[str]:
        codes = set(self.items)
        for question in self.all_questions():
            for option in question.options:
                codes.update(option.items)
        return codes


@dataclass(frozen=True)
class FormFieldSpec:
    key: str
    label: str
    label_en: str
    kind: str
    choices: tuple[str, ...] = ()
    help: str = ""
    required: bool = True


@dataclass(frozen=True)
class RegionDefaults:
    name: str
    place: str  # may hold {floor} (the department's floor) and {category} (the item's window category)
    hours: str
    complaint_phone: str


@dataclass(frozen=True)
class Defaults:
    """What the demo fills in where an item or bundle says nothing (defaults.yaml)."""

    regions: dict[str, RegionDefaults] = field(default_factory=dict)
    first_version: str = ""
    reform: str = ""
    reform_note: str = ""
    steps: dict[str, tuple[str, ...]] = field(default_factory=dict)  # instant | licensing | other
    faq: dict[str, str] = field(default_factory=dict)  # common | instant | online
    material_notes: dict[str, str] = field(default_factory=dict)
    blank_forms: tuple[str, ...] = ()
    samples: tuple[str, ...] = ()
    bundle_materials_note: str = ""
    bundle_steps: tuple[str, ...] = ()


@dataclass
class CatalogData:
    categories: dict[str, Category] = field(default_factory=dict)
    departments: dict[str, Department] = field(default_factory=dict)
    materials: dict[str, Material] = field(default_factory=dict)
    items: dict[str, Item] = field(default_factory=dict)
    bundles: dict[str, Bundle] = field(default_factory=dict)
    fields: dict[str, FormFieldSpec] = field(default_factory=dict)
    defaults: Defaults = field(default_factory=Defaults)
    problems: list[str] = field(default_factory=list)


# libyaml's loader reads the files in under a second; the pure-Python one takes several.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load(path: Path) -> Any:
    with path.open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_LOADER)  # a safe loader, the C one when libyaml is there


def _str(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _list(value: Any) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        return tuple(v.strip() for v in value.replace("，", ",").split(",") if v.strip())
    return tuple(_str(v) for v in value if _str(v))


def _int(value: Any, default: int | None = None) -> int | None:
    if value is None or value == "":
        return default
    return int(value)


def _read_categories(root: Path, data: CatalogData) -> None:
    path = root / "categories.yaml"
    if not path.exists():
        return
    for row in _load(path) or []:
        cat = Category(code=_str(row["code"]), name=_str(row["name"]), name_en=_str(row.get("name_en")),
                       prefix=_str(row.get("prefix")), description=_str(row.get("description")),
                       description_en=_str(row.get("description_en")))
        if cat.code in data.categories:
            data.problems.append(f"categories.yaml: category {cat.code} twice")
        data.categories[cat.code] = cat


def _read_departments(root: Path, data: CatalogData) -> None:
    path = root / "departments.yaml"
    if not path.exists():
        return
    for row in _load(path) or []:
        dept = Department(
            code=_str(row["code"]), name=_str(row["name"]), name_en=_str(row.get("name_en")),
            short_name=_str(row.get("short_name")), short_name_en=_str(row.get("short_name_en")),
            parent=_str(row.get("parent")), credit_code=_str(row.get("credit_code")).upper(),
            region=_str(row.get("region")), address=_str(row.get("address")), phone=_str(row.get("phone")),
            legal_basis=_str(row.get("legal_basis")))
        if dept.code in data.departments:
            data.problems.append(f"departments.yaml: department {dept.code} twice")
        data.departments[dept.code] = dept


def _read_materials(root: Path, data: CatalogData) -> None:
    folder = root / "materials"
    if not folder.is_dir():
        return
    for path in sorted(folder.glob("*.yaml")):
        for code, row in (_load(path) or {}).items():
            code = _str(code)
            material = Material(
                code=code, name=_str(row.get("name")), name_en=_str(row.get("name_en")),
                issuer=_str(row.get("issuer")), source=_str(row.get("source") or "10"),
                originals=_int(row.get("originals"), 1) or 0, copies=_int(row.get("copies"), 0) or 0,
                form=_str(row.get("form") or "both"), aliases_en=_list(row.get("aliases_en")))
            if code in data.materials:
                data.problems.append(f"materials/{path.name}: material {code} already defined elsewhere")
            data.materials[code] = material


def _item_materials(spec: Any) -> tuple[ItemMaterial, ...]:
    out = []
    for token in _list(spec):
        suffix = token[-1] if token[-1] in "?~" else ""
        out.append(ItemMaterial(code=token.rstrip("?~"), necessity=NECESSITY[suffix]))
    return tuple(out)


def _read_items(root: Path, data: CatalogData) -> None:
    folder = root / "items"
    if not folder.is_dir():
        return
    for path in sorted(folder.glob("*.yaml")):
        doc = _load(path) or {}
        defaults = doc.get("defaults") or {}
        for raw in doc.get("items") or []:
            row = {**defaults, **raw}
            region = _str(row.get("region"))
            basic = _str(row.get("basic_code"))
            item = Item(
                code=_str(row.get("code")) or f"{region}-{basic}", basic_code=basic, region=region,
                name=_str(row.get("name")), name_en=_str(row.get("name_en")), type=_str(row.get("type")),
                audience=_str(row.get("audience") or "person"), department=_str(row.get("department")),
                category=_str(row.get("category")), level=_str(row.get("level") or "4"),
                legal=_int(row.get("legal"), 20) or 0, promised=_int(row.get("promised"), 0) or 0,
                visits=_int(row.get("visits"), 1) or 0, visits_reason=_str(row.get("visits_reason")),
                depth=_int(row.get("depth"), 3) or 0, result=_str(row.get("result")),
                result_en=_str(row.get("result_en")), materials=_item_materials(row.get("materials")),
                aliases=_list(row.get("aliases")), aliases_en=_list(row.get("aliases_en")),
                conditions=_str(row.get("conditions")), fee=_str(row.get("fee")),
                handling_department=_str(row.get("handling_department")),
                legal_basis=_str(row.get("legal_basis")), steps=_list(row.get("steps")) if isinstance(
                    row.get("steps"), list) else tuple(s for s in _str(row.get("steps")).splitlines() if s),
                fields=_list(row.get("fields")), speedup=_str(row.get("speedup")),
                before=_int(row.get("before")), standard=_int(row.get("standard")), source_file=path.name)
            if item.code in data.items:
                data.problems.append(f"items/{path.name}: item {item.code} ({item.name}) already defined "
                                     f"in {data.items[item.code].source_file}")
            data.items[item.code] = item


def _question(raw: dict[str, Any]) -> Question:
    options = []
    for opt in raw.get("options") or []:
        options.append(Option(
            key=_str(opt.get("key")), label=_str(opt.get("label")), label_en=_str(opt.get("label_en")),
            items=_list(opt.get("items")), materials=_list(opt.get("materials")), fields=_list(opt.get("fields")),
            follow_up=tuple(_question(q) for q in opt.get("follow_up") or [])))
    return Question(key=_str(raw.get("key")), text=_str(raw.get("text")), text_en=_str(raw.get("text_en")),
                    kind=_str(raw.get("kind") or "single"), options=tuple(options), help=_str(raw.get("help")),
                    help_en=_str(raw.get("help_en")), required=bool(raw.get("required", True)))


def _read_bundles(root: Path, data: CatalogData) -> None:
    folder = root / "bundles"
    if not folder.is_dir():
        return
    for path in sorted(folder.glob("*.yaml")):
        for row in _load(path) or []:
            bundle = Bundle(
                code=_str(row.get("code")), name=_str(row.get("name")), name_en=_str(row.get("name_en")),
                region=_str(row.get("region")), lead=_str(row.get("lead")), category=_str(row.get("category")),
                audience=_str(row.get("audience") or "person"), first_in_city=bool(row.get("first_in_city")),
                launched=_str(row.get("launched")), visits=_int(row.get("visits"), 1) or 0,
                description=_str(row.get("description")), description_en=_str(row.get("description_en")),
                aliases=_list(row.get("aliases")), aliases_en=_list(row.get("aliases_en")),
                items=_list(row.get("items")), questions=tuple(_question(q) for q in row.get("questions") or []),
                source_file=path.name, considered=_list(row.get("considered")))
            if bundle.code in data.bundles:
                data.problems.append(f"bundles/{path.name}: bundle {bundle.code} twice")
            data.bundles[bundle.code] = bundle


def _read_fields(root: Path, data: CatalogData) -> None:
    path = root / "fields.yaml"
    if not path.exists():
        return
    for key, row in (_load(path) or {}).items():
        data.fields[_str(key)] = FormFieldSpec(
            key=_str(key), label=_str(row.get("label")), label_en=_str(row.get("label_en")),
            kind=_str(row.get("kind") or "text"), choices=_list(row.get("choices")), help=_str(row.get("help")),
            required=bool(row.get("required", True)))


def _halls(path: Path) -> dict[str, dict[str, Any]]:
    """The demo halls by code (hall/halls.yaml): the one source of each hall's address and hours, which the
    items' and bundles' place and hours are written from."""
    return {_str(h.get("code")): h for h in (_load(path) or [])} if path.exists() else {}


def hall_hours_text(hall: dict[str, Any]) -> str:
    """A hall's hours as the guides print them, from halls.yaml's `hours` (Monday–Friday) and `lunch`:
    「周一至周五 09:00—17:30（午间不休）」 or 「周一至周五 08:30—12:00、14:30—17:30」."""
    hours = hall.get("hours") or {}
    if not hours:
        return ""
    opens, closes = _str(hours.get("opens")), _str(hours.get("closes"))
    lunch = hall.get("lunch") or {}
    if lunch:
        periods = f"{opens}—{_str(lunch.get('start'))}、{_str(lunch.get('end'))}—{closes}"
    else:
        periods = f"{opens}—{closes}" + ("（午间不休）" if hall.get("no_lunch_break") else "")
    return f"周一至周五 {periods}，法定节假日除外"


def _read_defaults(root: Path, data: CatalogData) -> None:
    path = root / "defaults.yaml"
    if not path.exists():
        return
    raw = _load(path) or {}
    bundle = raw.get("bundle") or {}
    halls = _halls(root.parent / "hall" / "halls.yaml")
    regions = {}
    for code, r in (raw.get("regions") or {}).items():
        hall = halls.get(_str(r.get("hall")))
        if hall is None:
            data.problems.append(f"defaults.yaml: region {code} names no hall of hall/halls.yaml")
            hall = {}
        place = _str(r.get("place")).replace("{hall}", _str(hall.get("name"))).replace("{address}",
                                                                                         _str(hall.get("address")))
        regions[_str(code)] = RegionDefaults(name=_str(r.get("name")), place=place, hours=hall_hours_text(hall),
                                             complaint_phone=_str(r.get("complaint_phone")))
    data.defaults = Defaults(
        regions=regions,
        first_version=_str(raw.get("first_version")), reform=_str(raw.get("reform")),
        reform_note=_str(raw.get("reform_note")),
        steps={_str(kind): _list(lines) for kind, lines in (raw.get("steps") or {}).items()},
        faq={_str(kind): _str(text) for kind, text in (raw.get("faq") or {}).items()},
        material_notes={_str(code): _str(note) for code, note in (raw.get("material_notes") or {}).items()},
        blank_forms=_list(raw.get("blank_forms")), samples=_list(raw.get("samples")),
        bundle_materials_note=_str(bundle.get("materials_note")), bundle_steps=_list(bundle.get("steps")))


def _check_departments(data: CatalogData) -> Iterator[str]:
    for dept in data.departments.values():
        if not dept.name_en:
            yield f"department {dept.code}: name_en missing"
        if dept.parent and dept.parent not in data.departments:
            yield f"department {dept.code}: parent {dept.parent} unknown"
        if len(dept.credit_code) != 18 or credit_code_check_char(dept.credit_code[:17]) != dept.credit_code[17]:
            yield f"department {dept.code}: credit code {dept.credit_code} invalid (GB 32100 check character)"
    for cat in data.categories.values():
        if not cat.name_en:
            yield f"category {cat.code}: name_en missing"


def _check_materials_and_fields(data: CatalogData) -> Iterator[str]:
    for material in data.materials.values():
        if not material.name or not material.name_en:
            yield f"material {material.code}: name or name_en missing"
        if material.source not in SOURCES or material.form not in FORMS:
            yield f"material {material.code}: source {material.source!r} or form {material.form!r} invalid"
    for spec in data.fields.values():
        if spec.kind not in FIELD_KINDS or not spec.label_en:
            yield f"field {spec.key}: kind invalid or label_en missing"


def _item_codes(item: Item) -> Iterator[str]:
    if len(item.basic_code) != 10 or not item.basic_code.isdigit():
        yield "basic_code must be 10 digits"
    elif item.basic_code[:2] != item.type:
        yield f"basic_code must start with the item type {item.type}"
    if item.type not in ITEM_TYPES:
        yield f"type {item.type!r} invalid"
    if item.audience not in AUDIENCES:
        yield f"audience {item.audience!r} invalid"
    if not item.name_en or not item.result_en:
        yield "name_en or result_en missing"


def _item_references(item: Item, data: CatalogData) -> Iterator[str]:
    if item.department not in data.departments:
        yield f"department {item.department!r} unknown"
    if item.handling_department and item.handling_department not in data.departments:
        yield f"handling_department {item.handling_department!r} unknown"
    if data.categories and item.category not in data.categories:
        yield f"category {item.category!r} unknown"
    if not item.materials:
        yield "no materials"
    yield from (f"material {m.code!r} unknown" for m in item.materials if m.code not in data.materials)
    yield from (f"field {key!r} unknown" for key in item.fields if data.fields and key not in data.fields)


def _item_rules(item: Item) -> Iterator[str]:
    """The catalog's consistency rules (catalog/rules.py), on the data as written."""
    if item.promised > item.legal:
        yield f"promised {item.promised} > legal {item.legal}"
    if item.visits > 0 and not item.visits_reason:
        yield f"visits {item.visits} needs visits_reason"
    if item.depth == 5 and item.visits != 0:
        yield "depth 5 (全程网办) needs visits 0"
    if not 1 <= item.depth <= 5:
        yield "depth must be 1..5"
    if not item.speedup:
        return
    if item.speedup not in {"candidate", "achieved"}:
        yield "speedup must be candidate or achieved"
    if item.before is None or item.standard is None:
        yield "speedup needs before and standard"
    elif item.speedup == "achieved" and item.promised > item.standard:
        yield f"speedup achieved but promised {item.promised} > standard {item.standard}"


def _check_items(data: CatalogData) -> Iterator[str]:
    names: Counter[tuple[str, str]] = Counter()
    for item in data.items.values():
        names[(item.region, item.name)] += 1
        where = f"item {item.code} {item.name} ({item.source_file})"
        for problem in (*_item_codes(item), *_item_references(item, data), *_item_rules(item)):
            yield f"{where}: {problem}"
    for (region, name), count in names.items():
        if count > 1:
            yield f"item name {name!r} appears {count} times in region {region}"


def _question_problems(bundle: Bundle, question: Question, data: CatalogData) -> Iterator[str]:
    if not question.text_en or any(not o.label_en for o in question.options):
        yield f"question {question.key}: English text missing"
    if question.kind not in {"single", "multi"} or not question.options:
        yield f"question {question.key}: kind or options invalid"
    for option in question.options:
        where = f"option {question.key}/{option.key}"
        yield from (f"{where} adds {code}, already always done" for code in option.items if code in bundle.items)
        yield from (f"{where}: material {code!r} unknown" for code in option.materials if code not in data.materials)
        yield from (f"{where}: field {key!r} unknown" for key in option.fields if key not in data.fields)


def _check_bundles(data: CatalogData) -> Iterator[str]:
    for bundle in data.bundles.values():
        where = f"bundle {bundle.code} {bundle.name} ({bundle.source_file})"
        if not bundle.name_en:
            yield f"{where}: name_en missing"
        if bundle.lead not in data.departments:
            yield f"{where}: lead {bundle.lead!r} unknown"
        for code in sorted(bundle.all_item_codes() | set(bundle.considered)):
            if code not in data.items:
                yield f"{where}: item {code!r} unknown"
        keys: Counter[str] = Counter(q.key for q in bundle.all_questions())
        yield from (f"{where}: question key {key!r} used {n} times" for key, n in keys.items() if n > 1)
        for question in bundle.all_questions():
            yield from (f"{where}: {problem}" for problem in _question_problems(bundle, question, data))


def _check(data: CatalogData) -> None:
    for check in (_check_departments, _check_materials_and_fields, _check_items, _check_bundles):
        data.problems.extend(check(data))


def _check_defaults(data: CatalogData) -> None:
    regions = data.defaults.regions
    if not regions:
        return
    for region in sorted({item.region for item in data.items.values()} - set(regions)):
        data.problems.append(f"defaults.yaml: no place, hours and complaint phone for region {region}")


def read_catalog(root: Path = DATA_DIR) -> CatalogData:
    """Every file under `root`, parsed and checked; `problems` lists what is wrong (empty when all is well)."""
    data = CatalogData()
    for reader in (_read_categories, _read_departments, _read_materials, _read_items, _read_bundles, _read_fields,
                   _read_defaults):
        reader(root, data)
    _check(data)
    _check_defaults(data)
    return data


@functools.cache
def packaged_catalog() -> CatalogData:
    """The packaged data files, read and checked once per process (the catalog and bundle loaders share it)."""
    return read_catalog(DATA_DIR)


def main(argv: list[str]) -> int:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.settings")
    django.setup()
    root = Path(argv[0]) if argv else DATA_DIR
    data = read_catalog(root)
    by_region: Counter[str] = Counter(item.region for item in data.items.values())
    by_department: Counter[str] = Counter(item.department for item in data.items.values())
    print(f"categories {len(data.categories)}, departments {len(data.departments)}, "
          f"materials {len(data.materials)}, fields {len(data.fields)}")
    print("items by region: " + ", ".join(f"{r} {n}" for r, n in sorted(by_region.items())))
    print("items by department: " + ", ".join(f"{d} {n}" for d, n in sorted(by_department.items())))
    bundles_by_region: Counter[str] = Counter(b.region for b in data.bundles.values())
    slots = Counter[str]()
    for b in data.bundles.values():
        slots[b.region] += len(b.all_item_codes())
    print("bundles by region: " + ", ".join(f"{r} {n} ({slots[r]} item slots)"
                                            for r, n in sorted(bundles_by_region.items())))
    print(f"first in city: {sum(1 for b in data.bundles.values() if b.first_in_city)}")
    for problem in data.problems:
        print("PROBLEM", problem)
    print(f"{len(data.problems)} problems")
    return 1 if data.problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
