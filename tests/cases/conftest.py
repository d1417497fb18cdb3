"""A small catalog for the cases tests: two departments, three items (one instant), one bundle with a question."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from onewindow.core.access import Role
from onewindow.core.validators import id_check_digit

PDF = b"%PDF-1.4\n% test document\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def valid_id(prefix17: str = "35098119900101123") -> str:
    return prefix17 + id_check_digit(prefix17)


@dataclass
class Catalog:
    dept_a: Any
    dept_b: Any
    employ: Any  # FA-RSJ promised 5 working days
    insure: Any  # FA-RSJ instant item
    market: Any  # HL-SCJ promised 10 working days, deferrable photo
    bundle_code: str


@pytest.fixture
def catalog(db: None) -> Catalog:
    from onewindow.bundles.models import (
        Bundle,
        BundleItem,
        FormField,
        Option,
        Question,
    )
    from onewindow.catalog.models import (
        CanonicalMaterial,
        Department,
        ItemMaterial,
        ServiceItem,
    )

    dept_a = Department.objects.create(code="T-RSJ", name="测试市人力资源和社会保障局", short_name="人社局")
    dept_b = Department.objects.create(code="T-SCJ", name="测试区市场监督管理局", short_name="市场监管局")
    m_id = CanonicalMaterial.objects.create(code="M-ID", name="居民身份证")
    m_contract = CanonicalMaterial.objects.create(code="M-CONTRACT", name="劳动合同")
    m_photo = CanonicalMaterial.objects.create(code="M-PHOTO", name="经营场所照片")
    m_shared = CanonicalMaterial.objects.create(code="M-LICENCE", name="营业执照")
    employ = ServiceItem.objects.create(name="就业登记", code="T-EMPLOY", department=dept_a, promised_limit=5,
                                        legal_limit=20, handling_type="2", status="published")
    insure = ServiceItem.objects.create(name="社会保险参保登记", code="T-INSURE", department=dept_a, promised_limit=0,
                                        legal_limit=5, handling_type="1", status="published")
    market = ServiceItem.objects.create(name="食品经营许可", code="T-MARKET", department=dept_b, promised_limit=10,
                                        legal_limit=20, handling_type="2", status="published")
    ItemMaterial.objects.create(item=employ, material=m_id, necessity="1")
    ItemMaterial.objects.create(item=employ, material=m_contract, necessity="1")
    ItemMaterial.objects.create(item=insure, material=m_id, necessity="1")
    ItemMaterial.objects.create(item=market, material=m_id, necessity="1")
    ItemMaterial.objects.create(item=market, material=m_photo, necessity="3")
    ItemMaterial.objects.create(item=market, material=m_shared, necessity="1", source="40", originals=0)
    FormField.objects.create(item=employ, key="employer", label="用人单位名称", kind="text", required=True)
    FormField.objects.create(item=employ, key="start_date", label="入职日期", kind="date", required=True)
    FormField.objects.create(item=market, key="employer", label="用人单位名称", kind="text", required=True)
    bundle = Bundle.objects.create(code="T-HIRE", name="企业招用员工一件事", lead_department=dept_a)
    BundleItem.objects.create(bundle=bundle, item=employ, always=True, order=1)
    BundleItem.objects.create(bundle=bundle, item=insure, always=True, order=2)
    BundleItem.objects.create(bundle=bundle, item=market, always=False, order=3)
    question = Question.objects.create(bundle=bundle, key="food", text="是否从事食品经营？", kind="single")
    yes = Option.objects.create(question=question, key="yes", label="是", order=1)
    Option.objects.create(question=question, key="no", label="否", order=2)
    yes.items.add(market)
    return Catalog(dept_a, dept_b, employ, insure, market, "T-HIRE")


def applicant(**over: Any) -> dict[str, Any]:
    data = {"kind": "person", "name": "林晓梅", "id_number": valid_id(), "phone": "13905931234"}
    data.update(over)
    return data


def payload(**over: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "bundle", "code": "T-HIRE", "answers": {"food": "yes"}, "applicant": applicant(),
        "form": {"employer": "福安市闽东电机有限公司", "start_date": "2026-03-02"},
    }
    data.update(over)
    return data


def default_files() -> dict[str, tuple[str, bytes]]:
    return {"M-ID": ("id.jpg", JPEG), "M-CONTRACT": ("contract.pdf", PDF), "M-PHOTO": ("shop.png", PNG)}


def post_multipart(client: Client, data: dict, files: dict[str, tuple[str, bytes]] | None = None,
                   key: str | None = None) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    body: dict[str, Any] = {"payload": json.dumps(data, ensure_ascii=False)}
    for code, (name, content) in (default_files() if files is None else files).items():
        body[f"material.{code}"] = SimpleUploadedFile(name, content)
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post("/api/v1/applications", body, **headers)


def post_json(client: Client, data: dict, files: dict[str, tuple[str, bytes]] | None = None,
              key: str | None = None) -> Any:
    data = dict(data)
    data["files"] = {code: {"name": name, "content_base64": base64.b64encode(content).decode()}
                     for code, (name, content) in (default_files() if files is None else files).items()}
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post("/api/v1/applications", json.dumps(data), content_type="application/json", **headers)


@pytest.fixture
def people(client_for: Callable[..., Client], catalog: Catalog) -> dict[str, Client]:
    return {
        "citizen": client_for(Role.CITIZEN),
        "other_citizen": client_for(Role.CITIZEN),
        "clerk": client_for(Role.CLERK),
        "reviewer_a": client_for(Role.REVIEWER, department=catalog.dept_a),
        "reviewer_a2": client_for(Role.REVIEWER, department=catalog.dept_a),
        "reviewer_b": client_for(Role.REVIEWER, department=catalog.dept_b),
        "supervisor": client_for(Role.SUPERVISOR),
    }


@pytest.fixture
def media(tmp_path: Any, settings: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "uploads"
    return settings.MEDIA_ROOT


@pytest.fixture
def submitted(people: dict[str, Client], media: Any) -> dict[str, Any]:
    """A citizen's bundle application (3 cases: employ, insure (instant), market)."""
    r = post_multipart(people["citizen"], payload(), key="first")
    assert r.status_code == 201, r.content
    return r.json()


def case_number(app: dict, item_code: str) -> str:
    return next(c["number"] for c in app["cases"] if c["item_code"] == item_code)


def act(client: Client, number: str, action: str, **body: Any) -> Any:
    return client.post(f"/api/v1/cases/{number}/{action}", json.dumps(body), content_type="application/json")


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    """Creating seven users per test with Argon2 costs seconds; tests do not need strong hashes."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
