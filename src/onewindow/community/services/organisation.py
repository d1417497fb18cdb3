"""The organisation tree (street → community → compound → building, with grids) and its party organisations.

The tree comes in from an Excel sheet (`tree_import`): every row is checked first, any problem rejects the whole
file with every error by row and column, and rows already present are left as they are (importing the same file
twice changes nothing). A compound branch over several compounds is a joint branch (联合党支部).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from onewindow.community.models import Building, Community, Compound, Grid, PartyOrg, Street
from onewindow.core.actors import Actor
from onewindow.core.audit import audit_log
from onewindow.core.errors import FieldProblem, ServiceError

TREE_COLUMNS = ("街道", "社区", "小区", "网格", "楼栋", "户数")
REQUIRED_COLUMNS = TREE_COLUMNS[:3]
NAME_MAX = 60
BUILDING_NAME_MAX = 30


@dataclass
class ImportResult:
    streets: int = 0
    communities: int = 0
    compounds: int = 0
    grids: int = 0
    buildings: int = 0
    rows: int = 0


@dataclass
class TreeRow:
    """One checked row of the sheet."""

    street: str
    community: str
    compound: str
    grid: str = ""
    buildings: list[str] = field(default_factory=list)
    households: int = 0


def tree_import(*, data: bytes, actor: Actor) -> ImportResult:
    """Import streets, communities, compounds, grids and buildings from an .xlsx sheet.

    Header row: 街道, 社区, 小区, 网格 (optional), 楼栋 (optional, several separated by 、 or ,), 户数 (optional).
    """
    rows = _read_rows(data)
    if not rows:
        raise ServiceError(_("文件是空的"), field="file")
    columns = _columns(rows[0])
    parsed, problems = _parse(rows[1:], columns)
    if problems:
        raise ServiceError(_("导入失败：共 %(n)d 处错误，整个文件未导入") % {"n": len(problems)}, problems=problems)
    if not parsed:
        raise ServiceError(_("文件中没有数据行"), field="file")
    with transaction.atomic():
        result = _write_tree(parsed)
        audit_log(actor=actor, action="community.tree_import", target_type="community.compound",
                  detail=asdict(result))
    return result


def _read_rows(data: bytes) -> list[list[object]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable upload is the same error to the user
        raise ServiceError(_("无法读取文件：请上传 .xlsx 格式的 Excel 文件"), field="file") from None
    sheet = workbook.worksheets[0]
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def _columns(header_row: Sequence[object]) -> dict[str, int]:
    """Where each known column is; a 400 listing the required columns that are missing."""
    header = [str(c).strip() if c is not None else "" for c in header_row]
    problems = [FieldProblem("header", _("缺少列“%(c)s”") % {"c": name}) for name in REQUIRED_COLUMNS
                if name not in header]
    if problems:
        raise ServiceError(_("表头不正确，应包含：%(cols)s") % {"cols": "、".join(TREE_COLUMNS)}, problems=problems)
    return {name: header.index(name) for name in TREE_COLUMNS if name in header}


def _cell(row: Sequence[object], index: int | None) -> str:
    if index is None or index >= len(row) or row[index] is None:
        return ""
    value = row[index]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _parse(rows: Sequence[Sequence[object]], columns: dict[str, int]) -> tuple[list[TreeRow], list[FieldProblem]]:
    """Every data row checked (blank rows skipped); the problems of all rows together."""
    parsed: list[TreeRow] = []
    problems: list[FieldProblem] = []
    seen: set[tuple[str, str, str]] = set()
    for number, row in enumerate(rows, start=2):
        if all(v is None or str(v).strip() == "" for v in row):
            continue
        values = {name: _cell(row, columns.get(name)) for name in TREE_COLUMNS}
        problems += _name_problems(number, values)
        households = _households(number, values["户数"], problems)
        key = (values["街道"], values["社区"], values["小区"])
        if all(key) and key in seen:
            problems.append(FieldProblem(f"row{number}.小区", _("第%(r)d行“小区”列：“%(v)s”在文件中重复")
                                         % {"r": number, "v": values["小区"]}))
        seen.add(key)
        buildings = [b.strip() for b in values["楼栋"].replace("，", ",").replace("、", ",").split(",") if b.strip()]
        if any(len(b) > BUILDING_NAME_MAX for b in buildings):
            problems.append(FieldProblem(f"row{number}.楼栋", _("第%(r)d行“楼栋”列：楼栋名称不能超过30个字")
                                         % {"r": number}))
        parsed.append(TreeRow(street=values["街道"], community=values["社区"], compound=values["小区"],
                              grid=values["网格"], buildings=buildings, households=households))
    return parsed, problems


def _name_problems(number: int, values: dict[str, str]) -> list[FieldProblem]:
    problems = []
    for name in REQUIRED_COLUMNS:
        if not values[name]:
            problems.append(FieldProblem(f"row{number}.{name}", _("第%(r)d行“%(c)s”列：不能为空")
                                         % {"r": number, "c": name}))
        elif len(values[name]) > NAME_MAX:
            problems.append(FieldProblem(f"row{number}.{name}", _("第%(r)d行“%(c)s”列：不能超过60个字")
                                         % {"r": number, "c": name}))
    return problems


def _households(number: int, text: str, problems: list[FieldProblem]) -> int:
    if not text:
        return 0
    try:
        households = int(text)
    except ValueError:
        households = -1
    if households >= 0:
        return households
    problems.append(FieldProblem(f"row{number}.户数", _("第%(r)d行“户数”列：应为非负整数，而不是“%(v)s”")
                                 % {"r": number, "v": text}))
    return 0


def _write_tree(rows: Iterable[TreeRow]) -> ImportResult:
    """Create what is missing, level by level; count what was created."""
    result = ImportResult()
    for row in rows:
        result.rows += 1
        street, created = Street.objects.get_or_create(name=row.street)
        result.streets += created
        community, created = Community.objects.get_or_create(street=street, name=row.community)
        result.communities += created
        grid = None
        if row.grid:
            grid, created = Grid.objects.get_or_create(community=community, name=row.grid)
            result.grids += created
        compound, created = Compound.objects.get_or_create(
            community=community, name=row.compound, defaults={"households": row.households, "grid": grid})
        result.compounds += created
        for name in row.buildings:
            _building, created = Building.objects.get_or_create(compound=compound, name=name)
            result.buildings += created
    return result


def partyorg_create(*, kind: str, name: str, actor: Actor, secretary: str = "", street: Street | None = None,
                    community: Community | None = None, compounds: Iterable[Compound] = (),
                    building: Building | None = None, parent: PartyOrg | None = None) -> PartyOrg:
    """Create a party organisation at its level. A compound branch over several compounds is a joint branch."""
    if kind not in PartyOrg.Kind.values:
        raise ServiceError(_("党组织类型无效"), field="kind")
    if not name.strip():
        raise ServiceError(_("请填写党组织名称"), field="name")
    org = PartyOrg(kind=kind, name=name.strip(), secretary=secretary.strip(), street=street, community=community,
                   building=building, parent=parent)
    return partyorg_save(org=org, compounds=list(compounds), actor=actor)


def partyorg_save(*, org: PartyOrg, compounds: Sequence[Compound] | None, actor: Actor) -> PartyOrg:
    """Save a party organisation (new or changed) and, when given, the compounds a branch covers.

    The level names what it is attached to; a compound branch's form follows from how many compounds it covers
    (one: independent, several: joint) and it is registered in its first compound's community unless given one.
    """
    covered = list(compounds) if compounds is not None else (list(org.compounds.all()) if org.pk else [])
    partyorg_check(org, covered)
    if org.kind == PartyOrg.Kind.COMPOUND_BRANCH:
        org.form = PartyOrg.Form.JOINT if len(covered) > 1 else PartyOrg.Form.INDEPENDENT
        org.community = org.community or covered[0].community
    else:
        org.form = ""
    with transaction.atomic():
        created = org.pk is None
        org.save()
        if compounds is not None:
            org.compounds.set(covered)
        audit_log(actor=actor, action="community.partyorg_create" if created else "community.partyorg_update",
                  target=org, detail={"compounds": [c.pk for c in covered]})
    return org


def partyorg_check(org: PartyOrg, compounds: Sequence[Compound]) -> None:
    """Each level is attached to what it organises: a 400 naming the missing attachment."""
    if org.kind == PartyOrg.Kind.STREET_COMMITTEE and org.street is None:
        raise ServiceError(_("街道大工委须指定街道"), field="street")
    if org.kind == PartyOrg.Kind.COMMUNITY_COMMITTEE and org.community is None:
        raise ServiceError(_("社区大党委须指定社区"), field="community")
    if org.kind == PartyOrg.Kind.BUILDING_GROUP and org.building is None:
        raise ServiceError(_("楼宇党小组须指定楼栋"), field="building")
    if org.kind == PartyOrg.Kind.COMPOUND_BRANCH and not compounds:
        raise ServiceError(_("小区党支部须至少覆盖一个小区"), field="compounds")
