"""The department ranking: the weights of the monthly score (configuration, edited in the admin through these
functions) and the publication of a month's ranking to the public (质量排名并面向社会公布). The scores
themselves are computed by `supervision.scores`."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from onewindow.core import clock
from onewindow.core.actors import Actor, actor_user
from onewindow.core.audit import audit_log
from onewindow.core.errors import Conflict, ServiceError
from onewindow.supervision.models import DepartmentScore, RankingPublication, ScoreWeights, StreetScore

WEIGHT_FIELDS = ("on_time", "satisfaction", "rectification", "notices", "instant")


def ranking_publish(*, month: dt.date, published: bool, actor: Actor) -> RankingPublication:
    """Publish (or withdraw) a month's rankings (departments and streets); a published month is frozen (no
    recomputation)."""
    month = month.replace(day=1)
    if published and not (DepartmentScore.objects.filter(month=month).exists()
                          or StreetScore.objects.filter(month=month).exists()):
        raise ServiceError(_("该月尚未计算得分，不能公布"), field="month")
    with transaction.atomic():
        pub, _created = RankingPublication.objects.select_for_update().get_or_create(month=month)
        pub.published = published
        pub.published_at = clock.now() if published else None
        pub.published_by = actor_user(actor) if published else None
        pub.save()
        audit_log(actor=actor, action="supervision.ranking_publish" if published else "supervision.ranking_unpublish",
                  target=pub, detail={"month": month.isoformat()})
    return pub


def score_weights_save(*, weights: ScoreWeights, actor: Actor) -> ScoreWeights:
    """Create or change a set of weights (at least one weight above 0)."""
    if not any(getattr(weights, f) for f in WEIGHT_FIELDS):
        raise ServiceError(_("至少一项权重应大于0"), field="on_time")
    with transaction.atomic():
        created = weights.pk is None
        weights.save()
        audit_log(actor=actor, action="supervision.score_weights_" + ("create" if created else "update"),
                  target=weights, detail={f: getattr(weights, f) for f in (*WEIGHT_FIELDS, "inspection", "notice_penalty",
                                                                 "active")})
    return weights


def score_weights_activate(*, weights: ScoreWeights, actor: Actor) -> ScoreWeights:
    """Make a set of weights the one the scores use; the set used before is set aside in the same transaction
    (one active set at a time). Months already published keep the weights they were computed with."""
    with transaction.atomic():
        ScoreWeights.objects.filter(active=True).exclude(pk=weights.pk).update(active=False)
        ScoreWeights.objects.filter(pk=weights.pk).update(active=True)
        weights.active = True
        audit_log(actor=actor, action="supervision.score_weights_activate", target=weights,
                  detail={"name": weights.name})
    return weights


def score_weights_delete(*, weights: ScoreWeights, actor: Actor) -> None:
    """Remove a set of weights that is not the active one (the active one is what the scores use)."""
    if weights.active:
        raise Conflict(_("当前使用的权重不能删除，请先启用另一套权重"), field="active")
    with transaction.atomic():
        audit_log(actor=actor, action="supervision.score_weights_delete", target=weights, detail={"name": weights.name})
        weights.delete()
