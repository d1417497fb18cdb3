"""Open311 GeoReport v2 at /open311/v2/: field names, required parameters and error format per the spec
(http://wiki.open311.org/GeoReport_v2)."""

import re
from xml.etree import ElementTree as ET

import pytest
from django.test import Client

from onewindow.core.access import Role
from onewindow.feedback.models import Suggestion

pytestmark = pytest.mark.django_db

BASE = "/open311/v2"
SERVICE_FIELDS = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
ATTRIBUTE_FIELDS = {"variable", "code", "datatype", "required", "datatype_description", "order", "description", "values"}
REQUEST_FIELDS = {"service_request_id", "status", "status_notes", "service_name", "service_code", "description",
                  "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
                  "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url"}
ISO_WITH_TZ = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")


def _post(**data) -> object:
    return Client().post(f"{BASE}/requests.json", data)


def _is_spec_error(response, code: int) -> bool:
    body = response.json()
    return (response.status_code == code and isinstance(body, list) and set(body[0]) == {"code", "description"}
            and body[0]["code"] == code and body[0]["description"])


def test_service_list_and_definition_use_the_spec_field_names(categories) -> None:
    services = Client().get(f"{BASE}/services.json").json()
    assert {s["service_code"] for s in services} == {"hall-env", "cant-do", "other"}
    assert all(set(s) == SERVICE_FIELDS for s in services)
    assert all(s["type"] in ("realtime", "batch", "blackbox") and isinstance(s["metadata"], bool) for s in services)
    definition = Client().get(f"{BASE}/services/cant-do.json").json()
    assert definition["service_code"] == "cant-do"
    assert all(set(a) == ATTRIBUTE_FIELDS for a in definition["attributes"])
    assert {a["datatype"] for a in definition["attributes"]} <= {"string", "number", "datetime", "text",
                                                                  "singlevaluelist", "multivaluelist"}
    assert _is_spec_error(Client().get(f"{BASE}/services/nope.json"), 404)


def test_post_requires_service_code_and_a_location(categories) -> None:
    assert _is_spec_error(_post(description="座椅坏了", lat="24.5", long="118.1"), 400)
    assert "service_code" in _post(description="x", lat="24.5", long="118.1").json()[0]["description"]
    no_location = _post(service_code="hall-env", description="座椅坏了")
    assert _is_spec_error(no_location, 400) and "location" in no_location.json()[0]["description"]
    assert _is_spec_error(_post(service_code="hall-env", lat="24.5"), 400)  # lat without long is no location
    assert _is_spec_error(_post(service_code="nope", address_string="湖里区"), 404)
    assert _is_spec_error(_post(service_code="hall-env", lat="240", long="118"), 400)
    assert Suggestion.objects.count() == 0
    for location in ({"lat": "24.4986", "long": "118.1425"}, {"address_string": "湖里区行政服务中心二楼"},
                     {"address_id": "HL-HALL-2F"}):
        created = _post(service_code="hall-env", description="等候区座椅不舒服", **location)
        assert created.status_code == 201
        body = created.json()
        assert isinstance(body, list) and set(body[0]) == {"service_request_id", "service_notice", "account_id"}
    assert set(Suggestion.objects.values_list("channel", flat=True)) == {"open311"}


def test_request_fields_status_and_dates_follow_the_spec(categories, dept, client_for) -> None:
    sid = _post(service_code="hall-env", description="等候区座椅不舒服", lat="24.4986", long="118.1425",
                **{"attribute[kind]": "suggestion"}).json()[0]["service_request_id"]
    [req] = Client().get(f"{BASE}/requests/{sid}.json").json()
    assert set(req) == REQUEST_FIELDS
    assert req["status"] == "open" and req["agency_responsible"] == dept.name
    for key in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert ISO_WITH_TZ.match(req[key]), req[key]
    assert (req["lat"], req["long"]) == (24.4986, 118.1425)
    s = Suggestion.objects.get(number=sid)
    head = client_for(Role.DEPARTMENT_HEAD, department=dept)
    api = f"/api/v1/feedback/suggestions/{s.pk}"
    head.post(f"{api}/answer", {"disposition": "fix_now", "text": "已更换座椅"}, content_type="application/json")
    head.post(f"{api}/close", {}, content_type="application/json")
    [req] = Client().get(f"{BASE}/requests/{sid}.json").json()
    assert req["status"] == "closed" and req["status_notes"] == "已更换座椅"
    assert [r["service_request_id"] for r in Client().get(f"{BASE}/requests.json", {"status": "closed"}).json()] == [sid]
    assert Client().get(f"{BASE}/requests.json", {"status": "open"}).json() == []
    assert _is_spec_error(Client().get(f"{BASE}/requests.json", {"status": "done"}), 400)
    assert _is_spec_error(Client().get(f"{BASE}/requests/JY0.json"), 404)


def test_request_list_filters_by_ids_service_code_and_dates(categories) -> None:
    a = _post(service_code="hall-env", address_string="A").json()[0]["service_request_id"]
    b = _post(service_code="cant-do", address_string="B").json()[0]["service_request_id"]
    both = Client().get(f"{BASE}/requests.json", {"service_request_id": f"{a},{b}"}).json()
    assert {r["service_request_id"] for r in both} == {a, b}
    only = Client().get(f"{BASE}/requests.json", {"service_code": "cant-do"}).json()
    assert [r["service_request_id"] for r in only] == [b]
    future = Client().get(f"{BASE}/requests.json", {"start_date": "2099-01-01T00:00:00+08:00"}).json()
    assert future == []
    assert _is_spec_error(Client().get(f"{BASE}/requests.json", {"start_date": "yesterday"}), 400)


def test_xml_uses_the_spec_element_names(categories) -> None:
    root = ET.fromstring(Client().get(f"{BASE}/services.xml").content)
    assert root.tag == "services" and {c.tag for c in root} == {"service"}
    assert root.find("service/service_code") is not None
    sid = _post(service_code="hall-env", address_string="A").json()[0]["service_request_id"]
    req = ET.fromstring(Client().get(f"{BASE}/requests/{sid}.xml").content)
    assert req.tag == "service_requests" and req.find("request/service_request_id").text == sid
    err = ET.fromstring(Client().post(f"{BASE}/requests.xml", {}).content)
    assert err.tag == "errors" and err.find("error/code").text == "400"
