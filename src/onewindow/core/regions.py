"""Reads about regions (行政区划), the scope every app filters by.

A region contains itself and everything below it; `in_region` filters any queryset whose rows reference a region
(directly or through a relation) by the region's path, one indexed prefix match on any database. Staff are
scoped by `core.access.user_region`: a Huli supervisor sees and ranks only what lies in Huli.
"""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _

from onewindow.core.actors import Actor
from onewindow.core.models import Profile, Region, RegionLevel

M = TypeVar("M", bound=Model)


def region_q(region: Region | None, field: str = "region") -> Q:
    """Rows whose `field` (a path to a Region foreign key, e.g. "department__region") lies inside `region`;
    every row when `region` is None (an unscoped, province-wide view)."""
    if region is None:
        return Q()
    return Q(**{f"{field}__path__startswith": region.path})


def in_region(qs: QuerySet[M], region: Region | None, field: str = "region") -> QuerySet[M]:
    return qs.filter(region_q(region, field))


def region_by_code(code: str) -> Region | None:
    return Region.objects.filter(code=(code or "").strip()).first() if code else None


def related(a: Region | None, b: Region | None) -> bool:
    """Whether two regions lie on one line of the hierarchy (one contains the other): a Huli department may
    serve a Huli community station; a Fu'an bureau may not. Unknown regions (None) are not checked."""
    if a is None or b is None:
        return True
    return a.path.startswith(b.path) or b.path.startswith(a.path)


def district_of(region: Region | None) -> Region | None:
    """The county-level region (区县) a region lies in, or the region itself when it is above that level."""
    if region is None or region.level <= RegionLevel.COUNTY:
        return region
    codes = [c for c in region.path.strip("/").split("/") if c]
    return Region.objects.filter(code__in=codes, level=RegionLevel.COUNTY).first()


def regions(*, within: Region | None = None, level: int | None = None) -> QuerySet[Region]:
    qs = Region.objects.all()
    if within is not None:
        qs = qs.filter(path__startswith=within.path)
    if level is not None:
        qs = qs.filter(level=level)
    return qs.order_by("path")


def user_region(user: Actor) -> Region | None:
    """The region a staff member's roles are scoped to: their profile's region, else their department's region.
    None means unscoped (a provincial operator, a superuser, a citizen, the system). A supervisor of Huli sees
    and ranks only what lies in Huli. Cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if hasattr(user, "_onewindow_region"):
        cached: Region | None = user._onewindow_region
        return cached
    region = None
    if not user.is_superuser and user.pk is not None:
        profile = Profile.objects.select_related("region", "department__region").filter(user_id=user.pk).first()
        if profile is not None:
            region = profile.region or (profile.department.region if profile.department is not None else None)
    user._onewindow_region = region  # type: ignore[union-attr]
    return region


def user_sees(user: Actor, region: Region | None) -> bool:
    """Whether a (possibly scoped) staff member may see something in `region`. An unscoped user sees everything;
    a scoped one sees only what lies inside their region (a record with no region is province-wide, not theirs)."""
    scope = user_region(user)
    return scope is None or scope.contains(region)


def region_save(*, region: Region, actor: Actor) -> Region:
    """Save a region from the admin (audited): its path follows its parent, and when the path changes every
    region below it moves too, so in-region filters stay right. A region cannot sit under itself."""
    from django.db import transaction

    from onewindow.core.audit import audit_log
    from onewindow.core.errors import ServiceError

    with transaction.atomic():
        old_path = Region.objects.filter(pk=region.pk).values_list("path", flat=True).first() if region.pk else None
        parent = region.parent
        if parent is not None and old_path and parent.path.startswith(old_path):
            raise ServiceError(_("上级区划不能是本区划或其下级"), field="parent")
        region.save()
        if old_path and old_path != region.path:
            for child in Region.objects.filter(path__startswith=old_path).exclude(pk=region.pk):
                child.path = region.path + child.path[len(old_path):]
                Region.objects.filter(pk=child.pk).update(path=child.path)  # save() would recompute from the parent
        audit_log(actor=actor, action="core.region_save", target=region,
                  detail={"code": region.code, "name": region.name, "path": region.path})
    return region
