"""Open311 GeoReport v2 server over the citizen-voice categories, mounted at /open311/v2/ (urls/open311.py):
the public face of suggestions.

Plain Django views (not the /api/v1/ ninja router: the spec fixes its own paths, field names and error
format). Formats: `.json` and `.xml` (the spec's element names). Endpoints:

    GET  services.{fmt}                      service list (service_code, service_name, description, metadata,
                                             type, keywords, group)
    GET  services/{service_code}.{fmt}       service definition (attributes[])
    POST requests.{fmt}                      create: service_code + a location (lat & long, address_string or
                                             address_id) → [{service_request_id, service_notice, account_id}]
    GET  requests.{fmt}                      service_request_id (comma list) | service_code, start_date,
                                             end_date, status (open|closed); default window 90 days / 1000
    GET  requests/{service_request_id}.{fmt}

Errors answer [{"code": 400, "description": "..."}] (XML: <errors><error><code/><description/></error></errors>).
Dates are ISO 8601 with the time zone offset (e.g. 2026-11-02T09:30:00+08:00).

What is published: only requests filed through Open311 and those staff published (`Suggestion.public`); a
suggestion from the web form, the hall desk, a phone call or a survey stays private until staff publish it.
Public text (description, status notes, address) has mobile and ID numbers, e-mail addresses and the
reporter's name masked (`core.masking.mask_personal_text`); names, phones and e-mails are never output.
XML output drops the characters XML 1.0 forbids (control characters), so a citizen's text cannot break it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any
from xml.etree import ElementTree as ET

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt

from onewindow.core.access import PUBLIC, allow
from onewindow.core.errors import ServiceError
from onewindow.core.inputs import DATE_MAX, DATE_MIN, MAX_ID, MAX_PAGE, int_param
from onewindow.core.masking import mask_personal_text
from onewindow.core.security import RateLimited, rate_limit
from onewindow.feedback.models import (
    Suggestion,
    SuggestionCategory,
    SuggestionKind,
    SuggestionState,
    VoiceChannel,
)
from onewindow.feedback.selectors.suggestions import (
    open311_requests,
    suggestion_categories,
    suggestion_category,
)
from onewindow.feedback.services import suggestions as services

XML_LIST_ITEM = {"services": "service", "service_requests": "request", "errors": "error", "attributes": "attribute",
                 "values": "value"}


def _iso(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


# characters XML 1.0 does not allow (https://www.w3.org/TR/xml/#charsets): C0 controls other than tab, LF and
# CR, lone surrogates and U+FFFE/U+FFFF
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: str) -> str:
    return _XML_ILLEGAL.sub("", value)


def _to_xml(root_name: str, data: Any) -> bytes:
    def fill(el: ET.Element, value: Any, name: str) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                if isinstance(v, list):
                    child = ET.SubElement(el, k)
                    for item in v:
                        fill(ET.SubElement(child, XML_LIST_ITEM.get(k, "item")), item, k)
                else:
                    fill(ET.SubElement(el, k), v, k)
        elif value is None:
            el.text = ""
        elif isinstance(value, bool):
            el.text = "true" if value else "false"
        else:
            el.text = xml_text(str(value))

    root = ET.Element(root_name)
    item_name = XML_LIST_ITEM.get(root_name, "item")
    for item in data if isinstance(data, list) else [data]:
        fill(ET.SubElement(root, item_name), item, item_name)
    return b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(root, encoding="utf-8")


def _respond(fmt: str, root: str, data: Any, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        return HttpResponse(_to_xml(root, data), status=status, content_type="text/xml; charset=utf-8")
    return HttpResponse(json.dumps(data, ensure_ascii=False), status=status,
                        content_type="application/json; charset=utf-8")


def _error(fmt: str, code: int, description: str) -> HttpResponse:
    return _respond(fmt, "errors", [{"code": code, "description": description}], status=code)


KIND_ATTRIBUTE = {
    "variable": True, "code": "kind", "datatype": "singlevaluelist", "required": False,
    "datatype_description": "诉求类型", "order": 1, "description": "诉求类型（建议、投诉、咨询、求助、表扬）",
    "values": [{"key": k.value, "name": str(k.label)} for k in SuggestionKind],
}
ITEM_ATTRIBUTE = {
    "variable": True, "code": "service_item", "datatype": "string", "required": False,
    "datatype_description": "事项名称", "order": 2, "description": "相关的政务服务事项（可选）", "values": [],
}


def _service(c: SuggestionCategory) -> dict[str, Any]:
    return {"service_code": c.code, "service_name": c.name, "description": c.description, "metadata": True,
            "type": "realtime", "keywords": c.keywords, "group": c.group}


def _request(s: Suggestion) -> dict[str, Any]:
    replies = list(s.replies.all())
    expected = dt.datetime.combine(s.due_on, dt.time(23, 59, 59), tzinfo=timezone.get_default_timezone())
    names = [s.citizen_name]

    def public(text: str) -> str:
        return mask_personal_text(text, names=names)

    return {
        "service_request_id": s.number,
        "status": "closed" if s.state == SuggestionState.CLOSED else "open",
        "status_notes": public(replies[-1].text) if replies else str(s.get_state_display()),
        "service_name": s.category.name,
        "service_code": s.category.code,
        "description": public(s.description),
        "agency_responsible": s.department.name if s.department else "",
        "service_notice": _notice(s.category),
        "requested_datetime": _iso(s.received_at),
        "updated_datetime": _iso(s.updated_at),
        "expected_datetime": _iso(expected),
        "address": public(s.address),
        "address_id": public(s.address_id),
        "zipcode": "",
        "lat": float(s.lat) if s.lat is not None else None,
        "long": float(s.long) if s.long is not None else None,
        "media_url": s.media_url,
    }


def _notice(c: SuggestionCategory) -> str:
    return f"我们将在{c.due_workdays}个工作日内答复"


@csrf_exempt
@allow(PUBLIC)
def services_list(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method != "GET":
        return _error(fmt, 405, "method not allowed")
    return _respond(fmt, "services", [_service(c) for c in suggestion_categories(active_only=True)])


@csrf_exempt
@allow(PUBLIC)
def service_definition(request: HttpRequest, service_code: str, fmt: str) -> HttpResponse:
    if request.method != "GET":
        return _error(fmt, 405, "method not allowed")
    category = suggestion_category(service_code)
    if category is None:
        return _error(fmt, 404, f"service_code {service_code} not found")
    return _respond(fmt, "service_definition", {"service_code": category.code,
                                                 "attributes": [KIND_ATTRIBUTE, ITEM_ATTRIBUTE]})


def _parse_date(value: str, name: str) -> dt.datetime:
    parsed = parse_datetime(value.strip().replace(" ", "+"))  # a '+' in a query string arrives as a space
    if parsed is None:
        try:
            parsed = dt.datetime.combine(dt.date.fromisoformat(value.strip()), dt.time.min)
        except ValueError:
            raise ServiceError(f"{name} must be a W3C/ISO 8601 date-time", field=name) from None
    if not DATE_MIN <= parsed.date() <= DATE_MAX:
        raise ServiceError(f"{name} must be between {DATE_MIN} and {DATE_MAX}", field=name)
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


@csrf_exempt
@allow(PUBLIC)
def requests_collection(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _create(request, fmt)
    if request.method != "GET":
        return _error(fmt, 405, "method not allowed")
    q = request.GET
    ids = [i.strip() for i in q.get("service_request_id", "").split(",") if i.strip()]
    status = q.get("status", "").strip()
    if status and status not in ("open", "closed"):
        return _error(fmt, 400, "status must be open or closed")
    try:
        start = _parse_date(q["start_date"], "start_date") if q.get("start_date") else None
        end = _parse_date(q["end_date"], "end_date") if q.get("end_date") else None
        page_size = min(max(int_param(q.get("page_size"), "page_size", default=1000, lo=-MAX_ID) or 1, 1), 1000)
        page = max(int_param(q.get("page"), "page", default=1, lo=-MAX_ID, hi=MAX_PAGE) or 1, 1)
    except ServiceError as exc:
        return _error(fmt, 400, exc.message)
    except ValueError:
        return _error(fmt, 400, "page and page_size must be whole numbers")
    service_code = q.get("service_code", "").strip()
    if service_code and suggestion_category(service_code, active_only=False) is None:
        return _error(fmt, 404, f"service_code {service_code} not found")
    rows = open311_requests(ids=ids or None, service_code=service_code, start=start, end=end, status=status,
                            limit=page_size, offset=(page - 1) * page_size)
    return _respond(fmt, "service_requests", [_request(s) for s in rows])


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    data = request.POST
    try:
        rate_limit(request, scope="open311.post", limit=20, per_seconds=600)
    except RateLimited as exc:
        return _error(fmt, 429, exc.message)
    service_code = data.get("service_code", "").strip()
    if not service_code:
        return _error(fmt, 400, "service_code was not provided")
    category = suggestion_category(service_code)
    if category is None:
        return _error(fmt, 404, f"service_code {service_code} not found")
    lat, long = data.get("lat", "").strip(), data.get("long", "").strip()
    if not ((lat and long) or data.get("address_string", "").strip() or data.get("address_id", "").strip()):
        return _error(fmt, 400, "a location is required: lat and long, address_string or address_id")
    attributes = {k[len("attribute["):-1]: str(v) for k, v in data.items()
                  if k.startswith("attribute[") and k.endswith("]")}
    kind = attributes.get("kind") or SuggestionKind.SUGGESTION
    if kind not in SuggestionKind.values:
        return _error(fmt, 400, "attribute[kind] must be one of " + ", ".join(SuggestionKind.values))
    name = " ".join(p for p in (data.get("last_name", "").strip(), data.get("first_name", "").strip()) if p)
    try:
        s = services.suggestion_submit(
            data=services.SuggestionInput(
                category=service_code, description=data.get("description", "").strip() or category.name,
                channel=VoiceChannel.OPEN311, kind=kind, citizen_name=name, phone=data.get("phone", ""),
                email=data.get("email", ""), address=data.get("address_string", ""),
                address_id=data.get("address_id", ""), lat=lat or None, long=long or None,
                media_url=data.get("media_url", ""), device_id=data.get("device_id", ""),
                account_id=data.get("account_id", ""), attributes=attributes),
            actor=None, phone_required=False)
    except ServiceError as exc:
        return _error(fmt, exc.status, "; ".join(f"{p.field}: {p.message}" if p.field else p.message
                                                  for p in exc.problems))
    return _respond(fmt, "service_requests", [{"service_request_id": s.number, "service_notice": _notice(category),
                                               "account_id": s.account_id or None}], status=201)


@csrf_exempt
@allow(PUBLIC)
def request_detail(request: HttpRequest, service_request_id: str, fmt: str) -> HttpResponse:
    if request.method != "GET":
        return _error(fmt, 405, "method not allowed")
    rows = open311_requests(ids=[service_request_id])
    if not rows:
        return _error(fmt, 404, f"service_request_id {service_request_id} not found")
    return _respond(fmt, "service_requests", [_request(rows[0])])
