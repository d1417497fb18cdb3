"""The guide's page (/navigator/?q=) and the partial used by the kiosk and htmx."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from onewindow.core.access import PUBLIC, allow
from onewindow.navigator import selectors

EXAMPLES = ("我想开个小饭馆", "社保卡丢了", "被辞退了", "办退休", "开旅馆", "营业执照", "失业金怎么领", "新生儿上户口")


@allow(PUBLIC)
def search_page(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    audience = request.GET.get("audience") if request.GET.get("audience") in ("person", "enterprise") else None
    result = selectors.search(q, limit=12, audience=audience) if q.strip() else None
    context = {"q": q, "result": result, "audience": audience or "", "examples": EXAMPLES}
    template = "navigator/_results.html" if request.headers.get("HX-Request") else "navigator/search.html"
    return render(request, template, context)
