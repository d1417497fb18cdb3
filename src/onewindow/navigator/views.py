"""The guide's page (/navigator/?q=), the partial used by the kiosk and htmx, the citizen's "not what I need",
and the catalog admins' report of what citizens could not find."""

from __future__ import annotations

import re

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onewindow.core.access import PUBLIC, Role, allow
from onewindow.core.errors import ServiceError
from onewindow.core.security import RateLimited, rate_limit
from onewindow.navigator import selectors
from onewindow.navigator.engine import Hit
from onewindow.navigator.models import MissedQuery, MissKind
from onewindow.navigator.services import misses

EXAMPLES = (gettext_lazy("我想开个小饭馆"), gettext_lazy("社保卡丢了"), gettext_lazy("被辞退了"),
            gettext_lazy("办退休"), gettext_lazy("开旅馆"), gettext_lazy("营业执照"), gettext_lazy("失业金怎么领"),
            gettext_lazy("新生儿上户口"))
_CJK = re.compile(r"[\u4e00-\u9fff]")
RECORDS_PER_HOUR = 30  # missed queries one address may add to the report in an hour


def english() -> bool:
    return (get_language() or "").startswith("en")


def hit_row(hit: Hit, *, en: bool) -> dict:
    """What a citizen sees of a result: its name (English with the Chinese beside it on English pages), its
    department and the catalog's words it matched."""
    doc = hit.doc
    return {"hit": hit, "kind": doc.kind, "url": doc.url,
            "name": doc.name_en if en and doc.name_en else doc.name,
            "name_zh": doc.name if en and doc.name_en else "",
            "name_lang": "zh" if en and not doc.name_en else "",
            "department": doc.department_en if en and doc.department_en else doc.department,
            "department_lang": "zh" if en and not doc.department_en else "",
            "reason": [{"text": w, "lang": "zh" if _CJK.search(w) else ""} for w in hit.reason],
            "items": doc.extra.get("items")}


def record_miss(request: HttpRequest, query: str, kind: str) -> None:
    """Count the query in the missed-query report, at most RECORDS_PER_HOUR a client an hour (no refusal:
    the citizen still gets their page)."""
    try:
        rate_limit(request, scope="navigator-miss", limit=RECORDS_PER_HOUR, per_seconds=3600)
    except RateLimited:
        return
    misses.missed_query_record(query=query, kind=kind)


@allow(PUBLIC)
def search_page(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    audience = request.GET.get("audience") if request.GET.get("audience") in ("person", "enterprise") else None
    result = selectors.search(q, limit=12, audience=audience) if q.strip() else None
    if result is not None and not result.hits and result.query:
        record_miss(request, result.query, MissKind.NO_RESULT)
    en = english()
    rows = [hit_row(h, en=en) for h in result.hits] if result else []
    context = {"q": q, "result": result, "rows": rows, "audience": audience or "", "examples": EXAMPLES}
    template = "navigator/_results.html" if request.headers.get("HX-Request") else "navigator/search.html"
    return render(request, template, context)


@allow(PUBLIC)
@require_POST
def not_found(request: HttpRequest) -> HttpResponse:
    """The citizen says none of the results is what they need: the query goes to the admins' report."""
    q = request.POST.get("q", "")[:selectors.MAX_QUERY_LENGTH]
    if q.strip():
        record_miss(request, q, MissKind.ABANDONED)
    if request.headers.get("HX-Request"):
        return render(request, "navigator/_not_found_thanks.html")
    messages.success(request, _("谢谢，我们会补充这种说法。您也可以到大厅“办不成事”反映窗口咨询。"))
    return redirect("navigator")


@allow(Role.CATALOG_ADMIN)
def miss_report(request: HttpRequest) -> HttpResponse:
    """What citizens looked for and did not find, most asked first, each with a one-click synonym."""
    show = request.GET.get("show", "open")
    qs = MissedQuery.objects.all()
    qs = qs.filter(resolved_at__isnull=True) if show != "all" else qs
    rows = []
    index = selectors.current_index()
    for miss in list(qs.order_by("-count", "-last_at")[:200]):
        suggestions = index.did_you_mean(miss.text) if miss.resolved_at is None else []
        rows.append({"miss": miss, "suggestions": suggestions})
    return render(request, "navigator/misses.html", {"rows": rows, "show": show})


@allow(Role.CATALOG_ADMIN)
@require_POST
def miss_add_synonym(request: HttpRequest, pk: int) -> HttpResponse:
    miss = MissedQuery.objects.filter(pk=pk).first()
    if miss is None:
        return HttpResponse(_("没有该查询记录"), status=404)
    try:
        synonym = misses.synonym_add(phrase=request.POST.get("phrase", miss.text),
                                     targets=request.POST.get("targets", ""), actor=request.user, miss=miss)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("navigator_misses")
    messages.success(request, _("已添加同义词：%(phrase)s → %(targets)s") % {"phrase": synonym.phrase,
                                                                           "targets": synonym.targets})
    return redirect("navigator_misses")


@allow(Role.CATALOG_ADMIN)
@require_POST
def miss_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        misses.missed_query_dismiss(miss_id=pk, actor=request.user)
    except ServiceError as exc:
        return HttpResponse(exc.message, status=exc.status)
    return redirect("navigator_misses")
