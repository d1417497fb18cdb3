"""The hall, window category and counter a request names, or a ServiceError naming the field."""

from __future__ import annotations

from django.utils.translation import gettext as _

from onewindow.core.errors import NotFound, ServiceError
from onewindow.hall.models import Counter, Hall, HallCategory


def get_hall(hall: Hall | str | int) -> Hall:
    """An active hall by object, id or code."""
    if isinstance(hall, Hall):
        return hall
    qs = Hall.objects.filter(active=True)
    text = str(hall)
    found = qs.filter(pk=int(text)).first() if text.isdigit() else qs.filter(code=text).first()
    if found is None:
        raise NotFound(_("大厅不存在"), field="hall")
    return found


def get_hall_category(hall: Hall, category: str | int | HallCategory) -> HallCategory:
    """An active category of `hall` by object, catalog code, ticket prefix or id."""
    if isinstance(category, HallCategory):
        if category.hall_id != hall.pk:
            raise ServiceError(_("该大厅没有此窗口类别"), field="category")
        return category
    qs = HallCategory.objects.select_related("category").filter(hall=hall, active=True)
    text = str(category)
    found = (qs.filter(category__code=text).first() or qs.filter(prefix=text.upper()).first()
             or (qs.filter(pk=int(text)).first() if text.isdigit() else None))
    if found is None:
        raise ServiceError(_("请选择本大厅的窗口类别"), field="category")
    return found


def get_counter(counter: Counter | int) -> Counter:
    """An active counter (with its hall) by object or id."""
    if isinstance(counter, Counter):
        return counter
    found = Counter.objects.select_related("hall").filter(pk=counter, active=True).first()
    if found is None:
        raise NotFound(_("窗口不存在"), field="counter")
    return found
