"""The guide's API: GET /api/v1/navigator?q=… → ranked bundles and items with why they matched."""

from django.http import HttpRequest
from ninja import Query, Router, Schema

from onewindow.core.access import PUBLIC, allow
from onewindow.navigator import selectors
from onewindow.navigator.models import MissKind
from onewindow.navigator.views import record_miss

router = Router()


class SearchIn(Schema):
    q: str = ""
    limit: int = 10
    audience: str | None = None  # person | enterprise


@router.get("", summary="智能导办搜索",
            description="用群众自己的话（中文、拼音或英文）查找“一件事”和事项，最匹配的在前，并说明匹配原因。公开接口，无需登录。")
@allow(PUBLIC)
def search(request: HttpRequest, params: Query[SearchIn]) -> dict:
    audience = params.audience if params.audience in ("person", "enterprise") else None
    result = selectors.search(params.q, limit=params.limit, audience=audience)
    if not result.hits and result.query:
        record_miss(request, result.query, MissKind.NO_RESULT)
    return result.as_dict()
