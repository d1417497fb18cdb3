"""Public pages of the catalog: browse and search, the service guide (办事指南) with its PDF, departments."""

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from onewindow.catalog import search, selectors
from onewindow.catalog.guide import build_guide, guide_pdf, promised_text, speedup_text, visits_text
from onewindow.catalog.models import Audience, ServiceItem
from onewindow.core.access import PUBLIC, Role, allow
from onewindow.core.errors import NotFound
from onewindow.core.paging import paginate
from onewindow.core.pdf import pdf_response

PAGE_SIZE = 20


def _filters(request: HttpRequest) -> selectors.ItemFilters:
    g = request.GET
    return selectors.ItemFilters(department=g.get("department", "").strip(), category=g.get("category", "").strip(),
                                 audience=g.get("audience", "").strip(), q=g.get("q", "").strip()[:100])


def _rows(items: list) -> list[dict]:
    return [{"item": it, "promised": promised_text(it), "speedup": speedup_text(it), "visits": visits_text(it)}
            for it in items]


def _items(filters: selectors.ItemFilters) -> QuerySet[ServiceItem]:
    """The filtered items; a query goes to the guide's engine (everyday words, pinyin, English, typos), best
    first, with an item whose code is the query on top."""
    codes = search.item_codes(filters.q) if filters.q else None
    if codes is None:
        return selectors.search_items(filters)
    q = filters.q.strip()
    qs = selectors.search_items(selectors.ItemFilters(department=filters.department, category=filters.category,
                                                      audience=filters.audience))
    by_code = (Q(code__icontains=q) | Q(basic_code__icontains=q)) if any(ch.isdigit() for ch in q) \
        else (Q(code__iexact=q) | Q(basic_code__iexact=q))
    order = Case(When(by_code, then=Value(-1)), *(When(code=c, then=Value(i)) for i, c in enumerate(codes)),
                 default=Value(len(codes)), output_field=IntegerField())
    return qs.filter(by_code | Q(code__in=codes)).annotate(rank=order).order_by("rank", "code")


@allow(PUBLIC)
def index(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    page = paginate(_items(filters), page=request.GET.get("page"), per_page=PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    tab_query = query.copy()
    tab_query.pop("category", None)
    return render(request, "catalog/index.html", {
        "filters": filters, "page": page, "rows": _rows(list(page.object_list)), "query": query.urlencode(),
        "tab_query": tab_query.urlencode(),
        "departments": list(selectors.departments()), "categories": list(selectors.window_categories()),
        "audiences": [(Audience.PERSON, Audience.PERSON.label), (Audience.ENTERPRISE, Audience.ENTERPRISE.label)],
    })


def _published_item(code: str) -> ServiceItem:
    try:
        return selectors.item_by_code(code, published_only=True)
    except NotFound:
        raise Http404(_("没有该事项")) from None


@allow(PUBLIC)
def item_detail(request: HttpRequest, code: str) -> HttpResponse:
    item = _published_item(code)
    return render(request, "catalog/item_detail.html", {"guide": build_guide(item), "item": item})


@allow(PUBLIC)
def item_guide_pdf(request: HttpRequest, code: str) -> HttpResponse:
    item = _published_item(code)
    url = request.build_absolute_uri(reverse("catalog:item", args=[item.code]))
    return pdf_response(guide_pdf(build_guide(item), url), f"办事指南-{item.name}.pdf", inline=False)


@allow(PUBLIC)
def department_list(request: HttpRequest) -> HttpResponse:
    depts = list(selectors.departments(with_counts=True))
    tops = [d for d in depts if d.parent_id is None]
    children: dict[int, list] = {}
    for d in depts:
        if d.parent_id:
            children.setdefault(d.parent_id, []).append(d)
    return render(request, "catalog/department_list.html",
                  {"groups": [(d, children.get(d.pk, [])) for d in tops]})


@allow(PUBLIC)
def department_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        dept = selectors.department_by_code(code)
    except NotFound:
        raise Http404(_("没有该部门")) from None
    items = list(selectors.search_items(selectors.ItemFilters(department=dept.code)))
    return render(request, "catalog/department_detail.html", {"dept": dept, "rows": _rows(items),
                                                              "children": list(dept.children.all())})


@allow(Role.CATALOG_ADMIN)
def manage(request: HttpRequest) -> HttpResponse:
    return redirect("/admin/catalog/")
