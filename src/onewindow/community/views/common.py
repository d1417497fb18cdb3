"""What the community pages share: run a service from a form (messages, redirect back), read form values."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.core.paginator import Page
from django.db import models
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from onewindow.community.models import Community, Compound, Member
from onewindow.community.selectors.members import member_of
from onewindow.community.selectors.organisation import compounds as all_compounds
from onewindow.core.access import Role
from onewindow.core.errors import ServiceError
from onewindow.core.idempotency import clean_key, idempotency_scope
from onewindow.core.inputs import MAX_ID, date_param, int_param
from onewindow.core.paging import paginate

M = TypeVar("M", bound=models.Model)

WORKER = Role.COMMUNITY_WORKER
READERS = (Role.COMMUNITY_WORKER, Role.SUPERVISOR)


def back(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.META.get("HTTP_REFERER") or default
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def run(request: HttpRequest, action: Callable[[], Any], success: str | Callable[[Any], str],
        default: str) -> HttpResponse:
    """Run a service call; on ServiceError show every problem and change nothing. `success` is the message, or a
    function of the call's result that returns it. Then back to where the form was."""
    try:
        result = action()
    except ServiceError as exc:
        details = [p.message for p in exc.problems if p.message and p.message != exc.message]
        messages.error(request, exc.message + (("：" + "；".join(details[:20])) if details else ""))
    else:
        messages.success(request, success(result) if callable(success) else success)
    return HttpResponseRedirect(back(request, default))


def int_value(value: str | None, field: str, *, default: int | None = None) -> int:
    if value in (None, ""):
        if default is not None:
            return default
        raise ServiceError(_("请填写此项"), field=field)
    text = str(value).strip()
    if not re.fullmatch(r"[+-]?\d+", text):
        raise ServiceError(_("“%(v)s”不是整数") % {"v": value}, field=field)
    return int_param(text, field, lo=-MAX_ID) or 0  # beyond ±2**53 → 400 naming the field


def date_value(value: str | None, field: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise ServiceError(_("请填写有效日期（年-月-日）"), field=field) from None
    return date_param(day.isoformat(), field) or day  # 1900-01-01 … 2999-12-31, else 400 naming the field


def chosen(model: type[M], pk: object, field: str) -> M:
    """The record a form's picker names, else a 400 naming the field."""
    try:
        value = int(str(pk))
        if not 0 < value < 2**63:
            raise ValueError(value)
        return model._default_manager.get(pk=value)
    except (ValueError, TypeError, model.DoesNotExist):  # type: ignore[attr-defined]
        raise ServiceError(_("请选择有效的%(f)s") % {"f": model._meta.verbose_name}, field=field) from None


def compound_label(compound: Compound) -> str:
    """How the forms' compound pickers name a compound: its community, then its own name."""
    return f"{compound.community.name} · {compound.name}"


def compound_from_post(post: Any, *, field: str = "compound", community: Community | None = None) -> Compound:
    """The compound a form's picker names: by id (`compound`, the API and older forms) or by the label typed or
    chosen from the list (`compound_label`: exactly, or the one compound of that name — in `community` when one
    was chosen first); else a 400 naming the field. A compound outside the chosen community is refused too."""
    if (post.get("compound") or "").strip():
        found = [chosen(Compound, post.get("compound"), field)]
    else:
        label = " ".join((post.get("compound_label") or "").split())
        found = [c for c in all_compounds() if label and label in (compound_label(c), c.name)]
        if len(found) > 1 and community is not None:
            found = [c for c in found if c.community_id == community.pk] or found
    if len(found) != 1:
        raise ServiceError(_("请从列表中选择小区（可输入社区或小区名称搜索）"), field=field)
    if community is not None and found[0].community_id != community.pk:
        raise ServiceError(_("该小区不在所选社区"), field=field)
    return found[0]


def page(request: HttpRequest, qs: QuerySet[Any], per_page: int = 30) -> Page[Any]:
    return paginate(qs, page=request.GET.get("page"), per_page=per_page)


def my_member(request: HttpRequest) -> Member:
    member = member_of(request.user)
    if member is None:
        raise Http404(_("您还没有党员电子档案，请联系社区工作者建档"))
    return member


def form_idempotency(request: HttpRequest) -> dict[str, str]:
    """The form's hidden key, scoped to the signed-in submitter (the service binds it to what was submitted)."""
    key = clean_key(request.POST.get("idem"), field="idem")
    if not key:
        raise ServiceError(_("表单已过期，请刷新页面后重新提交"), field="idem")
    return {"idempotency_key": key, "idempotency_scope": idempotency_scope(actor=request.user, request=request)}
