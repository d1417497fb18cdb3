"""The JSON API under /api/v1/. Every error answers {"detail": …, "errors": [{"field": …, "message": …}]}.

Hostile request shapes (JSON nested too deep, NaN/Infinity, integers beyond 64 bits) are refused before any
operation runs by onewindow.core.inputs.InputShapeMiddleware; integers and dates in operation signatures use
the bounded types of onewindow.core.inputs (Id, PageNumber, Offset, BoundedDate), so pydantic answers 422
naming the parameter instead of letting an out-of-range value reach the database."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from onewindow.core.access import NotSignedIn
from onewindow.core.errors import FieldProblem, ServiceError, error_body
from onewindow.core.registry import api_mounts, load_object
from onewindow.core.security import access_before_validation


class OneWindowAPI(NinjaAPI):
    """The OpenAPI description in the request's language (onewindow.openapi_i18n)."""

    def get_openapi_schema(self, *, path_prefix: str | None = None,
                           path_params: dict[str, Any] | None = None) -> Any:
        from onewindow.openapi_i18n import localise

        return localise(super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params))


api = OneWindowAPI(
    title="OneWindow 一窗通办 API",
    version="1",
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)
# `@allow` is checked before the input is validated (401/403 rather than 422 for callers without access)
api.add_decorator(access_before_validation, mode="view")


def _error(request: HttpRequest, status: int, detail: str, problems: list[FieldProblem] | None = None) -> HttpResponse:
    return api.create_response(request, error_body(detail, problems=problems or []), status=status)


def _loc_to_field(loc: list[object]) -> str | None:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "form", "file", "header", "cookie")]
    # ninja nests the body under the parameter name; the first part is that name when there is more
    if len(parts) > 1 and parts[0] in ("payload", "data", "body_data"):
        parts = parts[1:]
    return ".".join(parts) or None


@api.exception_handler(ServiceError)
def on_service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    problems = [FieldProblem(_loc_to_field(list(e.get("loc", []))), str(e.get("msg", ""))) for e in exc.errors]
    return _error(request, 422, _("提交的数据有误"), problems)


@api.exception_handler(NotSignedIn)
def on_not_signed_in(request: HttpRequest, exc: NotSignedIn) -> HttpResponse:
    return _error(request, 401, str(exc) or _("请先登录"))


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, _("请先登录"))


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, str(exc) or _("没有权限"))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, _("未找到"))


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400 and str(exc) == "Cannot parse request body":  # ninja's own JSON parser
        message = _("请求体不是有效的 JSON")
        return _error(request, 400, message, [FieldProblem("body", message)])
    return _error(request, exc.status_code, str(exc))


# Each app declares its routers on its AppConfig (onewindow.core.registry); mounted under /api/v1/<prefix>.
for _config, _mount in api_mounts():
    api.add_router(f"/v1/{_mount.prefix}", load_object(_mount.router), tags=[_mount.tag or _config.label])
