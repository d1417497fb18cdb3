"""Links into the rating page, signed so nobody can rate someone else's service.

    from onewindow.feedback.links import rating_url
    url = rating_url(target_kind="ticket", target_id=ticket.pk, channel="4")   # counter rating pad
    url = rating_url(target_kind="case", target_id=case.pk, channel="3")       # QR code on the receipt

`target_kind` is one of "case", "application", "ticket"; `channel` is the national `pf` code
(1 PC, 2 mobile, 3 QR code, 4 hall tablet/counter pad, 5 other hall terminal, 6 phone, 7 SMS).
The token is a salted django.core.signing value holding (kind, id, channel): changing any of them breaks it.
"""

from dataclasses import dataclass

from django.core import signing
from django.urls import reverse

TOKEN_SALT = "onewindow.feedback.rate.v1"
TARGET_KINDS = ("case", "application", "ticket")
CHANNELS = ("1", "2", "3", "4", "5", "6", "7")


@dataclass(frozen=True)
class RatingToken:
    target_kind: str
    target_id: int
    channel: str


def make_token(*, target_kind: str, target_id: int, channel: str) -> str:
    channel = str(channel)
    if target_kind not in TARGET_KINDS:
        raise ValueError(f"unknown target_kind {target_kind!r}")
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    return signing.dumps([target_kind, int(target_id), channel], salt=TOKEN_SALT, compress=True)


def read_token(token: str) -> RatingToken | None:
    """The token's content, or None when it was tampered with or is not a rating token."""
    try:
        kind, target_id, channel = signing.loads(token, salt=TOKEN_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if kind not in TARGET_KINDS or str(channel) not in CHANNELS or not isinstance(target_id, int):
        return None
    return RatingToken(kind, target_id, str(channel))


def rating_url(*, target_kind: str, target_id: int, channel: str) -> str:
    """The path of the public rating page for this service, e.g. /feedback/rate/<token>/ ."""
    return reverse("feedback:rate", kwargs={"token": make_token(target_kind=target_kind, target_id=target_id,
                                                                channel=channel)})
