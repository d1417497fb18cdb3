"""Queries the guide could not answer, kept without personal data, and the synonyms that answer them.

A citizen's query may hold an ID or phone number, a case number or an e-mail address ("我的身份证3502…丢了"):
`clean_query` cuts every digit run, anything that looks like an address or a code, before a word is stored, and
nothing about the asker (address, session, time of day finer than the stored timestamps) is kept.
"""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from onewindow.core import clock
from onewindow.core.actors import Actor, actor_user
from onewindow.core.audit import audit_log
from onewindow.core.errors import NotFound, ServiceError
from onewindow.navigator import text
from onewindow.navigator.models import Language, MissedQuery, MissKind, Synonym

MAX_STORED = 60
_EMAIL = re.compile(r"\S+@\S+")
_URL = re.compile(r"(?:https?://|www\.)\S+")
_DIGITS = re.compile(r"[0-9][0-9xX\-\s*]*")  # ID (…X), phone, case and bank numbers, with their separators
_CODE = re.compile(r"\b[a-z]*\d[a-z0-9\-]*")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def clean_query(query: str) -> str:
    """The query without digits, codes, e-mail or web addresses; "" when nothing meaningful is left."""
    q = text.normalise(query)
    q = _URL.sub(" ", _EMAIL.sub(" ", q))
    q = _CODE.sub("", q)
    q = _DIGITS.sub("", q)
    q = re.sub(r"\s+", " ", q).strip(" ,.;:!?，。；：！？、-_")[:MAX_STORED].strip()
    meaningful = _CJK.search(q) or len(re.sub(r"[^a-z]", "", q)) >= 3
    return q if meaningful else ""


def query_language(query: str) -> str:
    q = text.normalise(query)
    if _CJK.search(q) or text.is_pinyin(q):
        return Language.ZH
    return Language.EN


def missed_query_record(*, query: str, kind: str = MissKind.NO_RESULT) -> MissedQuery | None:
    """Count one missed query (anonymous: nothing about the asker is kept). None when nothing is left to keep."""
    if kind not in MissKind.values:
        raise ServiceError(_("类型无效"), field="kind")
    cleaned = clean_query(query)
    if not cleaned:
        return None
    now = clock.now()
    for _attempt in range(2):
        updated = MissedQuery.objects.filter(text=cleaned, kind=kind).update(count=F("count") + 1, last_at=now)
        if updated:
            return MissedQuery.objects.get(text=cleaned, kind=kind)
        try:
            with transaction.atomic():
                return MissedQuery.objects.create(text=cleaned, kind=kind, language=query_language(cleaned),
                                                  first_at=now, last_at=now)
        except IntegrityError:  # another request created it first: count on it
            continue
    return None


def _targets(raw: str) -> str:
    parts = [t.strip() for t in raw.replace("，", ",").replace("、", ",").split(",") if t.strip()]
    if not parts:
        raise ServiceError(_("请填写对应的事项名称或事项用语"), field="targets")
    if any(len(p) > 60 for p in parts) or len(parts) > 5:
        raise ServiceError(_("事项用语最多 5 个，每个不超过 60 字"), field="targets")
    return ",".join(parts)


@transaction.atomic
def synonym_add(*, phrase: str, targets: str, actor: Actor, language: str = "",
                miss: MissedQuery | None = None) -> Synonym:
    """Teach the guide a phrase: `phrase` (what people say) now also searches for `targets`. Audited."""
    cleaned = clean_query(phrase)
    if not cleaned or len(cleaned) < 2:
        raise ServiceError(_("请填写群众说法（不含数字）"), field="phrase")
    language = language or query_language(cleaned)
    if language not in Language.values:
        raise ServiceError(_("语言无效"), field="language")
    synonym, created = Synonym.objects.update_or_create(
        phrase=cleaned, language=language,
        defaults={"targets": _targets(targets), "active": True, "created_by": actor_user(actor)})
    now = clock.now()
    resolved = MissedQuery.objects.filter(text=cleaned, resolved_at__isnull=True)
    if miss is not None:
        resolved = resolved | MissedQuery.objects.filter(pk=miss.pk, resolved_at__isnull=True)
    resolved.update(resolved_at=now, resolution=f"synonym:{synonym.pk}")
    audit_log(actor=actor, action="navigator.synonym_add" if created else "navigator.synonym_change",
              target=synonym, detail={"phrase": synonym.phrase, "targets": synonym.targets,
                                      "language": synonym.language, "miss": miss.pk if miss else None})
    return synonym


@transaction.atomic
def missed_query_dismiss(*, miss_id: int, actor: Actor) -> MissedQuery:
    """Set a missed query aside (not a service the hall offers). Audited."""
    try:
        miss = MissedQuery.objects.select_for_update().get(pk=miss_id)
    except MissedQuery.DoesNotExist:
        raise NotFound(_("没有该查询记录"), field="miss") from None
    if miss.resolved_at is None:
        miss.resolved_at = clock.now()
        miss.resolution = "dismissed"
        miss.save(update_fields=["resolved_at", "resolution"])
        audit_log(actor=actor, action="navigator.miss_dismiss", target=miss, detail={"text": miss.text})
    return miss
