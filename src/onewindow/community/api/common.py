"""What the community routers share: a record by id (else 404 naming the field), the caller's own member, paging."""

from __future__ import annotations

from typing import TypeVar

from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext as _

from onewindow.community.models import Member
from onewindow.community.selectors.members import member_of
from onewindow.core.access import Role
from onewindow.core.errors import NotFound

M = TypeVar("M", bound=models.Model)

WORKER = Role.COMMUNITY_WORKER
READERS = (Role.COMMUNITY_WORKER, Role.SUPERVISOR)
MAX_LIMIT = 200
MAX_OFFSET = 1_000_000


def get_object(model: type[M], pk: int, field: str) -> M:
    obj = model._default_manager.filter(pk=pk).first() if 0 < pk < 2**63 else None
    if obj is None:
        raise NotFound(_("%(what)s %(id)s 不存在") % {"what": model._meta.verbose_name, "id": pk}, field=field)
    return obj


def own_member(request: HttpRequest, field: str = "member") -> Member:
    """The signed-in caller's member record; 404 when they have none."""
    member = member_of(request.user)
    if member is None:
        raise NotFound(_("您还没有党员档案"), field=field)
    return member


def window(limit: int, offset: int) -> slice:
    """The slice of a list a `limit`/`offset` pair asks for, within bounds."""
    limit = max(1, min(limit, MAX_LIMIT))
    offset = max(0, min(offset, MAX_OFFSET))
    return slice(offset, offset + limit)
