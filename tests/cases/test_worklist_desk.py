"""The reviewer's and the head's worklist (issue 19): the total, filters kept in the address (and back from a case),
an Excel export of what is filtered, and bulk acts (accept several; a head assigns) through services, each refused
for the cases the user may not act on — through the page and the API."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook

from onewindow.cases.models import Case, CaseEvent
from onewindow.core.access import Role

from .conftest import case_number, payload, post_multipart

pytestmark = pytest.mark.django_db


@pytest.fixture
def head(client_for, catalog):  # type: ignore[no-untyped-def]
    return client_for(Role.DEPARTMENT_HEAD, department=catalog.dept_a)


def _bulk(client, **body):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/worklist/bulk", json.dumps(body), content_type="application/json")


def test_the_worklist_shows_the_total_and_the_pages(people, catalog, media):
    for _ in range(3):
        post_multipart(people["citizen"], payload())
    page = people["reviewer_a"].get("/cases/worklist/").content.decode()
    assert "共 6 件" in page and "第 1/1 页" in page
    api = people["reviewer_a"].get("/api/v1/worklist?per_page=4&page=2").json()
    assert (api["total"], api["pages"], len(api["results"])) == (6, 2, 2)
    assert people["reviewer_a"].get("/api/v1/worklist?per_page=4").json()["total"] == 6


def test_the_filters_stay_in_the_address_and_lead_back_from_a_case(people, submitted):
    number = case_number(submitted, "T-EMPLOY")
    page = people["reviewer_a"].get("/cases/worklist/?item=T-EMPLOY&q=&light=").content.decode()
    assert "共 1 件" in page and 'href="/cases/worklist/export.xlsx?item=T-EMPLOY"' in page
    assert f'href="/cases/c/{number}/?wl=item%3DT-EMPLOY"' in page
    case_page = people["reviewer_a"].get(f"/cases/c/{number}/?wl=item%3DT-EMPLOY").content.decode()
    assert 'href="/cases/worklist/?item=T-EMPLOY"' in case_page
    # a button on the case page comes back to the case with the way to the same list
    r = people["reviewer_a"].post(f"/cases/c/{number}/act/accept/", {"wl": "item=T-EMPLOY&evil=1"})
    assert r["Location"] == f"/cases/c/{number}/?wl=item%3DT-EMPLOY"


def test_the_excel_export_holds_the_filtered_cases_with_masked_numbers(people, submitted):
    r = people["reviewer_a"].get("/cases/worklist/export.xlsx?item=T-EMPLOY")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "办件编号" and len(rows) == 2
    assert rows[1][0] == case_number(submitted, "T-EMPLOY") and rows[1][3] == "林晓梅"
    assert "*" in rows[1][4]  # the ID number masked, as on the page
    everything = list(load_workbook(io.BytesIO(people["reviewer_a"].get("/cases/worklist/export.xlsx").content))
                      .active.iter_rows(values_only=True))
    assert {row[0] for row in everything[1:]} == {case_number(submitted, "T-EMPLOY"), case_number(submitted, "T-INSURE")}
    assert people["citizen"].get("/cases/worklist/export.xlsx").status_code == 403
    assert people["clerk"].get("/cases/worklist/export.xlsx").status_code == 403


def test_bulk_accept_accepts_the_own_departments_cases_and_names_the_refused(people, submitted):
    employ, insure, market = (case_number(submitted, c) for c in ("T-EMPLOY", "T-INSURE", "T-MARKET"))
    r = _bulk(people["reviewer_a"], action="accept", numbers=[employ, insure, market, "BJ-NOPE"])
    assert r.status_code == 200, r.content
    assert r.json()["done"] == [employ, insure]
    assert {x["number"]: x["reason"] for x in r.json()["refused"]} == {market: "未找到该办件", "BJ-NOPE": "未找到该办件"}
    assert Case.objects.get(number=employ).status == "accepted"
    assert Case.objects.get(number=insure).status == "completed"
    assert Case.objects.get(number=market).status == "received"
    # again: already accepted, refused with the state, nothing changed
    again = _bulk(people["reviewer_a"], action="accept", numbers=[employ]).json()
    assert again["done"] == [] and "不能受理" in again["refused"][0]["reason"]


def test_bulk_accept_through_the_page_reports_what_was_done_and_what_was_refused(people, submitted):
    employ, market = case_number(submitted, "T-EMPLOY"), case_number(submitted, "T-MARKET")
    r = people["reviewer_a"].post("/cases/worklist/bulk/", {"action": "accept", "case": [employ, market],
                                                          "wl": "status=open"}, follow=True)
    page = r.content.decode()
    assert r.redirect_chain[0][0] == "/cases/worklist/?status=open"
    assert f"已受理 1 个办件：{employ}" in page and f"1 个办件未办理：{market} 未找到该办件" in page
    assert Case.objects.get(number=market).status == "received"


def test_a_head_assigns_cases_to_a_reviewer_of_the_department_and_only_a_head(people, submitted, head):
    employ, market = case_number(submitted, "T-EMPLOY"), case_number(submitted, "T-MARKET")
    reviewer = people["reviewer_a"].user
    r = _bulk(head, action="assign", numbers=[employ, market], assignee=reviewer.pk)
    assert r.status_code == 200 and r.json()["done"] == [employ]
    assert Case.objects.get(number=employ).assignee_id == reviewer.pk
    assert CaseEvent.objects.filter(case__number=employ, action="assign").count() == 1
    assert Case.objects.get(number=market).assignee_id is None
    mine = people["reviewer_a"].get("/api/v1/worklist?mine=true").json()
    assert [x["number"] for x in mine["results"]] == [employ]
    assert "共 1 件" in people["reviewer_a"].get("/cases/worklist/?mine=1").content.decode()
    # a reviewer may not assign; nobody assigns to another department's reviewer
    assert _bulk(people["reviewer_a"], action="assign", numbers=[employ], assignee=reviewer.pk).status_code == 403
    wrong = _bulk(head, action="assign", numbers=[employ], assignee=people["reviewer_b"].user.pk)
    assert wrong.status_code == 400 and wrong.json()["errors"][0]["field"] == "assignee"
    page = head.get("/cases/worklist/").content.decode()
    assert 'data-testid="bulk-assign"' in page and "data-testid=\"bulk-assign\"" not in \
        people["reviewer_a"].get("/cases/worklist/").content.decode()


def test_bulk_acts_refuse_bad_input_naming_the_field(people, submitted):
    assert _bulk(people["reviewer_a"], action="accept", numbers=[]).json()["errors"][0]["field"] == "numbers"
    assert _bulk(people["reviewer_a"], action="accept", numbers="BJ1").json()["errors"][0]["field"] == "numbers"
    assert _bulk(people["reviewer_a"], action="explode", numbers=["BJ1"]).json()["errors"][0]["field"] == "action"
    too_many = _bulk(people["reviewer_a"], action="accept", numbers=[f"BJ{i}" for i in range(101)])
    assert too_many.status_code == 400
    assert _bulk(people["citizen"], action="accept", numbers=["BJ1"]).status_code == 403
    assert people["clerk"].post("/cases/worklist/bulk/", {"action": "accept", "case": ["BJ1"]}).status_code == 403
