"""Public bundle pages: list, bundle page with live questions (htmx), one-time notice page and PDF."""

from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django_htmx.http import push_url

from onewindow.bundles import selectors
from onewindow.bundles.models import Question
from onewindow.bundles.pdf import render_notice_pdf
from onewindow.catalog.models import Audience, HandlingType
from onewindow.core.access import PUBLIC, allow
from onewindow.core.errors import NotFound
from onewindow.core.pdf import pdf_response

TABS = (("", gettext_lazy("全部")), (Audience.PERSON.value, gettext_lazy("个人办事")),
        (Audience.ENTERPRISE.value, gettext_lazy("企业办事")))


@allow(PUBLIC)
def bundle_list(request: HttpRequest) -> HttpResponse:
    audience = request.GET.get("audience", "")
    if audience not in {a for a, _label in TABS}:
        audience = ""
    q = request.GET.get("q", "").strip()[:50]
    cards = selectors.list_bundles(audience=audience, q=q)
    tabs = [{"value": value, "label": label, "active": value == audience} for value, label in TABS]
    return render(request, "bundles/list.html", {"cards": cards, "tabs": tabs, "q": q, "audience": audience})


@dataclass(frozen=True)
class QuestionView:
    question: Question
    options: list[dict[str, Any]]
    problem: str


def _page_context(pv: selectors.Preview) -> dict[str, Any]:
    problems = {p.field: p.message for p in pv.evaluation.problems}
    questions = []
    reveals = {qq.shown_when_id for qq in pv.spec.questions if qq.shown_when_id}
    for q in pv.evaluation.visible:
        chosen = set(pv.evaluation.chosen_keys(q))
        options = [{"key": o.key, "label": o.label, "option": o, "checked": o.key in chosen, "reveals": o.id in reveals}
                   for o in pv.spec.options.get(q.id, [])]
        questions.append(QuestionView(q, options, problems.get(q.key, "")))
    item_names = {i.code: i.name for i in pv.notice.items}
    materials = [{"m": m, "items": [item_names.get(c, c) for c in m.item_codes]} for m in pv.notice.materials]
    answered = [(q.text, [o.label for o in pv.evaluation.chosen.get(q.id, [])]) for q in pv.evaluation.visible
                if pv.evaluation.chosen.get(q.id)]
    query = pv.query
    suffix = f"?{query}" if query else ""
    bundle = pv.spec.bundle
    return {
        "bundle": bundle, "pv": pv, "notice": pv.notice, "questions": questions, "materials": materials,
        "answered": answered, "missing": [p.message for p in pv.evaluation.problems], "complete": pv.complete,
        "full": pv.full, "query": query,
        "notice_url": reverse("bundles:notice", args=[bundle.code]) + suffix,
        "pdf_url": reverse("bundles:notice_pdf", args=[bundle.code]) + suffix,
        "apply_url": f"/cases/apply/bundle/{bundle.code}/{suffix}",
        "page_url": reverse("bundles:detail", args=[bundle.code]) + suffix,
        "instant_label": HandlingType.INSTANT.label, "INSTANT": HandlingType.INSTANT.value,
    }


def _preview(request: HttpRequest, code: str) -> selectors.Preview:
    try:
        return selectors.preview(bundle_code=code, query=request.GET, include_drafts=False)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@allow(PUBLIC)
def bundle_detail(request: HttpRequest, code: str) -> HttpResponse:
    context = _page_context(_preview(request, code))
    if request.htmx:  # type: ignore[attr-defined]
        response = render(request, "bundles/_panel.html", context)
        return push_url(response, context["page_url"])
    return render(request, "bundles/detail.html", context)


@allow(PUBLIC)
def bundle_notice_page(request: HttpRequest, code: str) -> HttpResponse:
    return render(request, "bundles/notice.html", _page_context(_preview(request, code)))


@allow(PUBLIC)
def bundle_notice_pdf(request: HttpRequest, code: str) -> HttpResponse:
    context = _page_context(_preview(request, code))
    if not context["complete"]:
        return HttpResponseRedirect(context["notice_url"])
    return pdf_response(render_notice_pdf(context), f"一次性告知单-{context['bundle'].name}.pdf")
