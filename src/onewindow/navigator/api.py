"""The guide's API: GET /api/v1/navigator?q=… → ranked bundles and items with why they matched."""

from django.http import HttpRequest
from ninja import Query, Router, Schema

from onewindow.core.access import PUBLIC, allow
from onewindow.navigator import selectors

router = Router()


class SearchIn(Schema):
    q: str = ""
    limit: int = 10
    audience: str | None = None  # person | enterprise


@router.get("")
@allow(PUBLIC)
def search(request: HttpRequest, params: Query[SearchIn]) -> dict:
    audience = params.audience if params.audience in ("person", "enterprise") else None
    return selectors.search(params.q, limit=params.limit, audience=audience).as_dict()
