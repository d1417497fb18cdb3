import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from openpyxl import Workbook

from onewindow.community.models import Building, Compound, PartyOrg, Street
from onewindow.community.services import organisation

from .builders import a_branch, a_community, a_street, compounds_in

pytestmark = pytest.mark.django_db


def _branch(world, name: str, compounds: list) -> PartyOrg:
    return organisation.partyorg_create(kind=PartyOrg.Kind.COMPOUND_BRANCH, name=name, compounds=compounds,
                                        actor=None)


def test_coverage_counts_compounds_covered_by_joint_branches_once(world, worker: Client) -> None:
    a, b, c, d, e = world.compounds
    _branch(world, "浅水湾小区党支部", [a])
    joint = _branch(world, "浅水湾联合党支部", [a, b, c])  # overlaps a: a is still one covered compound
    _branch(world, "华景城小区党支部", [d])
    assert joint.form == PartyOrg.Form.JOINT

    data = worker.get("/api/v1/community/coverage").json()

    assert (data["compounds"], data["branches"], data["independent"], data["joint"]) == (5, 3, 2, 1)
    assert data["covered"] == 4  # e (英龙花园) has no branch
    assert data["rate"] == 80.0
    east, west = data["children"][0]["children"]
    assert (east["compounds"], east["covered"], east["covered_by_joint"], east["rate"]) == (3, 3, 2, 100.0)
    assert (west["compounds"], west["covered"], west["rate"]) == (2, 1, 50.0)


def test_coverage_reaches_one_hundred_percent_when_every_compound_has_a_branch(world) -> None:
    a, b, c, d, e = world.compounds
    _branch(world, "浅水湾等联合党支部", [a, b, c])
    _branch(world, "华景城小区党支部", [d])
    _branch(world, "英龙花园党支部", [e])

    data = Client().get("/api/v1/community/coverage").json()  # public

    assert data["covered"] == data["compounds"] == 5
    assert data["rate"] == 100.0
    page = Client().get("/community/public/coverage/").content.decode()
    assert "100.0%" in page


def test_a_compound_branch_needs_at_least_one_compound(world) -> None:
    from onewindow.core.errors import ServiceError

    with pytest.raises(ServiceError) as exc:
        _branch(world, "空党支部", [])
    assert exc.value.problems[0].field == "compounds"


def _xlsx(rows: list[list[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


HEADER = ["街道", "社区", "小区", "网格", "楼栋", "户数"]


def test_tree_import_creates_the_tree_and_a_second_import_changes_nothing(worker: Client) -> None:
    data = _xlsx([HEADER, ["拱辰街道", "东园社区", "东园新村", "第1网格", "1号楼、2号楼", 320],
                  ["拱辰街道", "东园社区", "荔园小区", "", "", None],
                  ["黄石镇", "黄石社区", "黄石新城", "第2网格", "A栋,B栋", "88"]])
    upload = io.BytesIO(data)
    upload.name = "tree.xlsx"
    response = worker.post("/community/organisation/import/", {"file": upload})
    assert response.status_code == 200
    assert "导入成功" in response.content.decode()
    assert Street.objects.count() == 2 and Compound.objects.count() == 3 and Building.objects.count() == 4
    assert Compound.objects.get(name="东园新村").households == 320

    result = organisation.tree_import(data=data, actor=None)
    assert (result.compounds, result.buildings, result.streets) == (0, 0, 0)
    assert Compound.objects.count() == 3


def test_tree_import_rejects_the_whole_file_and_names_every_bad_row_and_column(worker: Client) -> None:
    data = _xlsx([HEADER, ["拱辰街道", "东园社区", "东园新村", "", "", 10],
                  ["拱辰街道", "", "荔园小区", "", "", "很多"],
                  ["拱辰街道", "东园社区", "东园新村", "", "", 5]])
    upload = io.BytesIO(data)
    upload.name = "bad.xlsx"
    page = worker.post("/community/organisation/import/", {"file": upload}).content.decode()

    assert "整个文件未导入" in page
    assert "row3.社区" in page and "第3行“社区”列：不能为空" in page
    assert "row3.户数" in page
    assert "row4.小区" in page and "重复" in page
    assert Street.objects.count() == 0 and Compound.objects.count() == 0


def test_tree_import_refuses_a_file_without_the_required_columns(db: None) -> None:
    from onewindow.core.errors import ServiceError

    with pytest.raises(ServiceError) as exc:
        organisation.tree_import(data=_xlsx([["名称"], ["x"]]), actor=None)
    assert {p.field for p in exc.value.problems} == {"header"}
    with pytest.raises(ServiceError) as exc:
        organisation.tree_import(data=b"not an excel file", actor=None)
    assert exc.value.problems[0].field == "file"


def test_tree_import_command_reports_errors_by_row(tmp_path, db: None) -> None:
    good, bad = tmp_path / "good.xlsx", tmp_path / "bad.xlsx"
    good.write_bytes(_xlsx([HEADER, ["新度镇", "新度社区", "新度锦园", "", "1号楼", 100]]))
    bad.write_bytes(_xlsx([HEADER, ["新度镇", "", "", "", "", ""]]))
    with pytest.raises(CommandError):
        call_command("community_import_tree", str(bad))
    assert Compound.objects.count() == 0
    call_command("community_import_tree", str(good))
    assert Compound.objects.filter(name="新度锦园").exists()


def test_a_joint_branch_counts_where_it_is_registered_and_its_compounds_where_they_lie(db: None) -> None:
    """Two streets; a joint branch registered in one community covers compounds of two communities; a compound
    with its own branch and a joint one is covered by its own; one compound has no branch."""
    gongchen, zhenhai = a_street("拱辰街道"), a_street("镇海街道")
    dongyuan = a_community("东园社区", street=gongchen)
    yanshou = a_community("延寿社区", street=gongchen)
    yinglong = a_community("英龙社区", street=zhenhai)
    a1, a2 = compounds_in(dongyuan, "东园新村", "荔园小区")
    b1, b2, b3 = compounds_in(yanshou, "延寿新村", "华亭小区", "万达华府")
    (c1,) = compounds_in(yinglong, "华景城小区")
    a_branch(a1, a2, b1, community=dongyuan)  # joint, registered in 东园社区, one compound in 延寿社区
    a_branch(a2)  # 荔园小区 also has its own branch: covered by its own, not "by joint"
    a_branch(b2)
    a_branch(c1)

    data = Client().get("/api/v1/community/coverage").json()

    assert (data["compounds"], data["branches"], data["independent"], data["joint"]) == (6, 4, 3, 1)
    assert (data["covered"], data["covered_by_joint"], data["rate"]) == (5, 2, 83.3)  # 万达华府 has none
    gong, zhen = data["children"]
    assert (gong["name"], gong["compounds"], gong["branches"], gong["covered"]) == ("拱辰街道", 5, 3, 4)
    east, north = gong["children"]
    assert (east["compounds"], east["branches"], east["joint"], east["covered"], east["covered_by_joint"],
            east["rate"]) == (2, 2, 1, 2, 1, 100.0)
    assert (north["compounds"], north["branches"], north["joint"], north["covered"], north["covered_by_joint"],
            north["rate"]) == (3, 1, 0, 2, 1, 66.7)
    assert (zhen["compounds"], zhen["branches"], zhen["covered"], zhen["rate"]) == (1, 1, 1, 100.0)
