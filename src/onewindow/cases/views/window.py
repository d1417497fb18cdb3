"""Window acceptance (窗口受理): the clerk picks any item or bundle, answers its questions, types the applicant and the
form, ticks the materials seen on paper (or uploads them), then accepts — instant items complete on the spot — or
issues a one-time supplement notice.

`window_accept_page` is the page; it takes the function that submits, so the hall can offer the same page for a
queue ticket (hall.views.window) with its own submit that links the ticket to the application in the same
transaction. A link here that names a ticket (`?ticket=<id>`, as the hall console builds it) is handed to that
page: the hall owns tickets, cases never writes their links.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Sequence
from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from onewindow.bundles.answers import answers_from_query
from onewindow.bundles.notice import bundle_notice, item_notice
from onewindow.bundles.selectors import list_bundles
from onewindow.bundles.selectors import preview as preview_of
from onewindow.bundles.spec import load_bundle
from onewindow.cases.intake import material_uploads
from onewindow.cases.models import DONE_STATUSES, Case, Channel
from onewindow.cases.selectors import missing_material_names
from onewindow.cases.services import lifecycle
from onewindow.cases.services.submission import SubmitResult, application_submit
from onewindow.cases.views.forms import (
    applicant_from_post,
    errors_by_field,
    form_from_post,
    missing_from_post,
)
from onewindow.catalog.models import ServiceItem
from onewindow.core.access import Role, allow
from onewindow.core.errors import ServiceError

#: submits a window application: `application_submit` itself, or a caller's wrapper taking the same keywords
Submit = Callable[..., SubmitResult]
TEMPLATE = "cases/clerk_accept.html"
#: the page for a queue ticket, by URL name (the hall's, which links the ticket to the application)
TICKET_PAGE = "hall:ticket_accept"


@allow(Role.CLERK)
def clerk_accept(request: HttpRequest) -> HttpResponse:
    ticket = request.GET.get("ticket", "")
    if ticket.isdigit():
        query = request.GET.copy()
        query.pop("ticket")
        url = reverse(TICKET_PAGE, args=[int(ticket)]) + (f"?{query.urlencode()}" if query else "")
        return HttpResponseRedirect(url, status=307)  # 307: a posted form is posted again there
    return window_accept_page(request, submit=application_submit)


def _search(request: HttpRequest, ctx: dict[str, Any], categories: Collection[int] | None) -> HttpResponse:
    """Bundles and items matching the search; at a hall's counter (`categories`: the hall's window categories)
    only those the hall handles."""
    q = ctx["q"]
    cards = list_bundles(q=q)
    items = ServiceItem.objects.filter(status="published").select_related("department").order_by("code")
    if categories is not None:
        # a bundle or item with no window category is not any one hall's: every counter may take it
        cards = [c for c in cards if c.bundle.window_category_id in {*categories, None}]
        items = items.filter(Q(window_category_id__in=categories) | Q(window_category__isnull=True))
    ctx["bundles"] = cards[:20] if q else cards[:30]
    if q:
        ctx["items"] = list(items.filter(name__icontains=q)[:30])
    return render(request, TEMPLATE, ctx)


def _notice(request: HttpRequest, kind: str, code: str) -> dict[str, Any]:
    """The notice for the chosen item, or for the bundle once its required questions are answered."""
    if kind != "bundle":
        return {"preview": None, "notice": item_notice(item_code=code), "answers": {}}
    spec = load_bundle(code)
    answers = answers_from_query(request.GET, spec=spec)
    preview = preview_of(bundle_code=code, answers=answers)
    notice = bundle_notice(bundle_code=code, answers=answers) if preview.complete else None
    questions = [{"q": question, "options": preview.spec.options.get(question.id, []),
                  "chosen": set(answers.get(question.key, []))} for question in preview.evaluation.visible]
    return {"preview": preview, "notice": notice, "answers": answers, "questions": questions}


def window_accept_page(request: HttpRequest, *, submit: Submit, ticket: str = "", bundle: str = "",
                       categories: Collection[int] | None = None) -> HttpResponse:
    """The window acceptance page; `submit` files the application (see the module's docstring).

    For a queue ticket the hall passes the ticket's number (shown in the header), the bundle chosen at the kiosk
    (preselected until the clerk picks another: `?pick=1`) and its window categories (only what it handles)."""
    kind = request.GET.get("kind", "")
    code = request.GET.get("code", "")
    if bundle and not code and not {"q", "pick"} & set(request.GET):
        kind, code = "bundle", bundle
    ctx: dict[str, Any] = {"ticket": ticket, "q": request.GET.get("q", "").strip(), "kind": kind, "code": code,
                           "errors": {}}
    if not code:
        return _search(request, ctx, categories)
    try:
        ctx.update(_notice(request, kind, code))
    except ServiceError as exc:
        ctx["errors"] = errors_by_field(exc)
        return render(request, TEMPLATE, ctx, status=400)
    query = request.GET.copy()
    if "code" not in query:  # the preselected bundle: the form posts back to it
        query.update({"kind": kind, "code": code})
    ctx.update({"applicant": {"kind": "person"}, "values": {}, "idem": uuid.uuid4().hex, "query": query.urlencode()})
    if request.method == "POST" and ctx["notice"] is not None:
        return _accept(request, ctx, submit)
    return render(request, TEMPLATE, ctx)


def _accept(request: HttpRequest, ctx: dict[str, Any], submit: Submit) -> HttpResponse:
    """Submit on the window channel, then accept at once or issue the one-time supplement notice."""
    post = request.POST
    action = post.get("action", "accept")
    ctx.update({"applicant": applicant_from_post(post), "values": form_from_post(post, ctx["notice"]),
                "checked": set(post.getlist("checked")), "idem": post.get("idem")})
    try:
        result = submit(actor=request.user, channel=Channel.WINDOW, kind=ctx["kind"], code=ctx["code"],
                        answers=ctx["answers"], applicant=ctx["applicant"], form=ctx["values"],
                        files=material_uploads(request), checked_materials=post.getlist("checked"),
                        deferral_promise=post.get("deferral_promise") == "1", missing_ok=action == "supplement",
                        idempotency_key=post.get("idem", "")[:64])
        app = result.application
        if result.created and action == "supplement":
            missing = missing_from_post(post) or missing_material_names(app)
            lifecycle.application_request_supplement(application=app, actor=request.user, missing=missing,
                                                     note=post.get("note", ""))
            messages.success(request, "已出具一次性补正告知，申请人补齐后即受理。")
        elif result.created:
            messages.success(request, accepted_message(lifecycle.application_accept(application=app,
                                                                                     actor=request.user)))
    except ServiceError as exc:
        ctx["errors"] = errors_by_field(exc)
        return render(request, TEMPLATE, ctx, status=400)
    return HttpResponseRedirect(reverse("cases:application", args=[app.number]))


def accepted_message(cases: Sequence[Case]) -> str:
    """What acceptance did, case by case: how many are done on the spot and how many go on to review."""
    done = sum(1 for c in cases if c.status in DONE_STATUSES)
    pending = len(cases) - done
    if not pending:
        return _("已受理，%(n)s 个办件已当场办结，请打印受理通知书。") % {"n": done}
    if not done:
        return _("已受理 %(n)s 个办件，均转入部门审查，请打印受理通知书。") % {"n": pending}
    return (_("已受理 %(total)s 个办件：%(done)s 个即办件已当场办结，%(pending)s 个转入部门审查，请打印受理通知书。")
            % {"total": len(cases), "done": done, "pending": pending})
