"""Links into the rating page, signed so nobody can rate someone else's service.

    from onewindow.feedback.links import rating_url
    url = rating_url(target_kind="ticket", target_id=ticket.pk, channel="2")   # the ticket's own follow page
    url = rating_url(target_kind="application", target_id=app.pk, channel="1") # the applicant's own page

`target_kind` is one of "case", "application", "ticket"; `channel` is the national `pf` code
(1 PC, 2 mobile, 3 QR code, 4 hall tablet/counter pad, 5 other hall terminal, 6 phone, 7 SMS).

A token is a salted django.core.signing value over (kind, id, channel, nonce, issued): changing any of them
breaks it. The random nonce makes every link distinct; a rating records `link_id` (a hash of the nonce), so
the rating service can tell a replay of the same link from a deliberate follow-up (追评). A link expires
`ONEWINDOW["RATING_LINK_DAYS"]` (30) days after it was issued, and no link rates a service that finished
longer ago than that (see `services.ratings.rating_create`).

Hand a link only to the person served: `access.holder_rating_url` decides (never on staff pages).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.core import signing
from django.urls import reverse

from onewindow.core import clock

TOKEN_SALT = "onewindow.feedback.rate.v2"  # v1 links (no nonce, no expiry) are no longer accepted
TARGET_KINDS = ("case", "application", "ticket")
CHANNELS = ("1", "2", "3", "4", "5", "6", "7")


@dataclass(frozen=True)
class RatingToken:
    """What a verified link names. `nonce`/`issued_at` are empty for ratings the system itself records
    (the demo loader); such tokens never come from a request."""

    target_kind: str
    target_id: int
    channel: str
    nonce: str = ""
    issued_at: dt.datetime | None = None

    @property
    def link_id(self) -> str:
        return link_id(self.nonce) if self.nonce else ""


def link_id(nonce: str) -> str:
    """What a rating keeps of the link it came through: never the link itself."""
    return hashlib.sha256(f"{TOKEN_SALT}:{nonce}".encode()).hexdigest()[:32]


def make_token(*, target_kind: str, target_id: int, channel: str) -> str:
    channel = str(channel)
    if target_kind not in TARGET_KINDS:
        raise ValueError(f"unknown target_kind {target_kind!r}")
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    issued = int(clock.now().timestamp())
    return signing.Signer(salt=TOKEN_SALT).sign_object(
        [target_kind, int(target_id), channel, secrets.token_urlsafe(9), issued], compress=True)


def read_token(token: str) -> RatingToken | None:
    """The token's content, or None when it was tampered with or is not a rating token (expiry is the rating
    service's business: an expired link still names its service, so the page can say why it is closed)."""
    try:
        kind, target_id, channel, nonce, issued = signing.Signer(salt=TOKEN_SALT).unsign_object(str(token))
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if (kind not in TARGET_KINDS or str(channel) not in CHANNELS or not isinstance(target_id, int)
            or not isinstance(nonce, str) or not nonce or not isinstance(issued, int)):
        return None
    return RatingToken(kind, target_id, str(channel), nonce, dt.datetime.fromtimestamp(issued, tz=dt.UTC))


def rating_url(*, target_kind: str, target_id: int, channel: str) -> str:
    """The path of the public rating page for this service, e.g. /feedback/rate/<token>/ ."""
    return reverse("feedback:rate", kwargs={"token": make_token(target_kind=target_kind, target_id=target_id,
                                                                channel=channel)})
