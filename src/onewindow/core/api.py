from django.http import HttpRequest
from ninja import Router, Schema

from onewindow.core.access import PUBLIC, allow

router = Router()


class PingOut(Schema):
    status: str


@router.get("/ping", response=PingOut, summary="Liveness check")
@allow(PUBLIC)
def ping(request: HttpRequest) -> dict[str, str]:
    return {"status": "ok"}
