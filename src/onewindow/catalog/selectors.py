"""Reads of the service catalog for pages, the API, exports and other apps. Query counts do not grow with
list length: lists use select_related, and materials are prefetched."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from onewindow.catalog.models import (
    Audience,
    Department,
    ItemMaterial,
    ItemStatus,
    ServiceItem,
    WindowCategory,
)
from onewindow.core.errors import NotFound
from onewindow.core.models import Region
from onewindow.core.regions import in_region


def published_items() -> QuerySet[ServiceItem]:
    """Published items with their department, handling unit and window category joined."""
    return (ServiceItem.objects.filter(status=ItemStatus.PUBLISHED)
            .select_related("department", "handling_department", "window_category"))


def item_materials_prefetch() -> Prefetch:
    return Prefetch("materials", queryset=ItemMaterial.objects.select_related("material").order_by("order", "id"))


def item_by_code(code: str, *, published_only: bool = False) -> ServiceItem:
    """One item with its materials (prefetched). Raises NotFound (404) when there is no such item."""
    qs = (ServiceItem.objects.select_related("department", "handling_department", "window_category")
          .prefetch_related(item_materials_prefetch()))
    if published_only:
        qs = qs.filter(status=ItemStatus.PUBLISHED)
    item = qs.filter(code=code).first()
    if item is None:
        raise NotFound(_("没有编码为 %(code)s 的事项") % {"code": code}, field="code")
    return item


def departments(*, with_counts: bool = False) -> QuerySet[Department]:
    qs = Department.objects.select_related("parent")
    if with_counts:
        qs = qs.annotate(published_count=Count("items", filter=Q(items__status=ItemStatus.PUBLISHED)))
    return qs


def departments_in(region: Region | None) -> QuerySet[Department]:
    """The departments inside `region` (its own and those of every street and community below it); every
    department when `region` is None (unscoped)."""
    return in_region(Department.objects.select_related("region"), region)


def department_and_parts(department: Department) -> list[int]:
    """The department and the units under it (a bureau and its business centres): the bureau's head sees the
    cases its centres handle."""
    ids = [department.pk]
    frontier = [department.pk]
    while frontier:  # a few levels at most; one query each
        frontier = list(Department.objects.filter(parent_id__in=frontier).exclude(pk__in=ids)
                        .values_list("pk", flat=True))
        ids += frontier
    return ids


def department_by_code(code: str) -> Department:
    dept = Department.objects.select_related("parent").filter(code=code).first()
    if dept is None:
        raise NotFound(_("没有编码为 %(code)s 的部门") % {"code": code}, field="department")
    return dept


def window_categories() -> QuerySet[WindowCategory]:
    return WindowCategory.objects.all()


@dataclass(frozen=True)
class ItemFilters:
    department: str = ""  # department code; includes its sub-departments (handling units)
    category: str = ""  # window category code
    audience: str = ""  # person / enterprise (both-audience items match either)
    q: str = ""  # name, code or alias


def search_items(filters: ItemFilters) -> QuerySet[ServiceItem]:
    qs = published_items()
    if filters.department:
        qs = qs.filter(Q(department__code=filters.department) | Q(handling_department__code=filters.department)
                       | Q(department__parent__code=filters.department))
    if filters.category:
        qs = qs.filter(window_category__code=filters.category)
    if filters.audience in (Audience.PERSON, Audience.ENTERPRISE):
        qs = qs.filter(audience__in=[filters.audience, Audience.BOTH])
    q = filters.q.strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(basic_code__icontains=q)
                       | Q(aliases__icontains=q))
    return qs.order_by("department__sort_order", "department_id", "id")



def catalog_for_export() -> QuerySet[ServiceItem]:
    """Every item (any status) with its materials, for the Excel and national exports."""
    return (ServiceItem.objects.select_related("department", "handling_department", "window_category")
            .prefetch_related(item_materials_prefetch()).order_by("code"))
