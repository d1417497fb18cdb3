"""Open311 GeoReport v2 at /open311/v2/ (namespace `open311`; see views/open311.py)."""

from django.urls import re_path

from onewindow.feedback.views import open311 as v

app_name = "open311"

urlpatterns = [
    re_path(r"^services\.(?P<fmt>json|xml)$", v.services_list, name="services"),
    re_path(r"^services/(?P<service_code>[\w.-]+)\.(?P<fmt>json|xml)$", v.service_definition, name="service"),
    re_path(r"^requests\.(?P<fmt>json|xml)$", v.requests_collection, name="requests"),
    re_path(r"^requests/(?P<service_request_id>[\w-]+)\.(?P<fmt>json|xml)$", v.request_detail, name="request"),
]
