"""The API description answers in the request's language and says how to authenticate."""

import pytest
from django.utils import translation

from onewindow.openapi_i18n import localise


def test_operation_summaries_and_field_descriptions_follow_the_language():
    schema = {"paths": {"/api/v1/navigator": {"get": {"summary": "智能导办搜索", "description": "部门列表"}}},
              "components": {"schemas": {"X": {"properties": {"code": {"description": "实施编码"}}}}}}
    with translation.override("en"):
        english = localise(schema)
    op = english["paths"]["/api/v1/navigator"]["get"]
    assert (op["summary"], op["description"]) == ("Guide search", "Departments")
    assert english["components"]["schemas"]["X"]["properties"]["code"]["description"] == "Implementation code"
    assert "X-CSRFToken" in english["info"]["description"] and "sessionid" in english["info"]["description"]
    with translation.override("zh-hans"):
        chinese = localise({"paths": {"/x": {"get": {"summary": "智能导办搜索"}}}})
    assert chinese["paths"]["/x"]["get"]["summary"] == "智能导办搜索"
    assert "认证" in chinese["info"]["description"]


@pytest.mark.django_db
def test_the_openapi_document_is_english_for_an_english_request(client):
    english = client.get("/api/openapi.json", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["info"]["title"] == "OneWindow API"
    assert "Authentication" in english["info"]["description"]
    summaries = [op.get("summary", "") for ops in english["paths"].values() for op in ops.values()]
    assert "Guide search" in summaries and "List of bundles" in summaries
    chinese = client.get("/api/openapi.json", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert "认证" in chinese["info"]["description"]
