"""The tri-party council (党支部、业委会、物业) deciding a compound's major matters: 两议两评两公开.

党支部提议 (proposed) → 三方商议 (deliberated) → 会议决议 with the votes (decided) → 党员群众评议 with the approval
rate (evaluated) → 结果公开 (published). Published proposals are public. Each stage is one `transition()`.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onewindow.community.models import Compound, Proposal, ProposalEvent
from onewindow.core import clock
from onewindow.core.actors import Actor
from onewindow.core.counters import counter_next
from onewindow.core.errors import ServiceError
from onewindow.core.events import TransitionRefused, record_event, transition

S = Proposal.Status
PROPOSAL_FLOW = {"deliberate": (S.PROPOSED, S.DELIBERATED), "decide": (S.DELIBERATED, S.DECIDED),
                 "evaluate": (S.DECIDED, S.EVALUATED), "publish": (S.EVALUATED, S.PUBLISHED)}
STEP_LABELS = {"deliberate": gettext_lazy("三方商议"), "decide": gettext_lazy("会议决议"),
               "evaluate": gettext_lazy("党员群众评议"), "publish": gettext_lazy("结果公开")}
MAX_VOTES = 1_000_000


def proposal_create(*, compound: Compound, topic: str, title: str, content: str, actor: Actor) -> Proposal:
    """党支部提议 (the first 议): the compound's branch brings a major matter to the tri-party council."""
    if topic not in Proposal.Topic.values:
        raise ServiceError(_("议题类别无效"), field="topic")
    if not title.strip():
        raise ServiceError(_("请填写议题"), field="title")
    if not content.strip():
        raise ServiceError(_("请填写提议内容"), field="content")
    branch = compound.branches.first()
    with transaction.atomic():
        today = clock.today()
        n = counter_next(scope="community.proposal", day=today)
        proposal = Proposal.objects.create(number=f"YS{today:%Y%m%d}{n:03d}", compound=compound, branch=branch,
                                           topic=topic, title=title.strip()[:100], content=content.strip(),
                                           created_at=clock.now())
        record_event(proposal, event_model=ProposalEvent, action="propose", actor=actor, to_status=S.PROPOSED,
                     reason=proposal.title, correlation=proposal.number, at=proposal.created_at)
    return proposal


def proposal_advance(*, proposal: Proposal, step: str, text: str, actor: Actor, votes_for: int = 0,
                     votes_against: int = 0, votes_abstain: int = 0, approval_rate: int | None = None) -> Proposal:
    """Move a proposal one stage on: deliberate (三方商议) → decide (决议) → evaluate (评议) → publish (公开)."""
    if step not in PROPOSAL_FLOW:
        raise ServiceError(_("步骤无效"), field="step")
    if step != "publish" and not text.strip():
        raise ServiceError(_("请填写本阶段的意见或结论"), field="text")
    changes = _stage_fields(step, text.strip(), votes=(votes_for, votes_against, votes_abstain),
                            approval_rate=approval_rate)
    source, target = PROPOSAL_FLOW[step]
    try:
        with transaction.atomic():
            return transition(proposal, to=target, allowed_from={source}, action=step,
                              action_label=STEP_LABELS[step], actor=actor, event_model=ProposalEvent,
                              reason=text.strip(), correlation=proposal.number, changes=changes,
                              version_field=None, timestamp_field=None)
    except TransitionRefused as refused:  # say which step comes next
        raise TransitionRefused(_("%(refused)s；下一步应为“%(next)s”")
                                % {"refused": refused.message, "next": _next_step_label(proposal)},
                                field="step") from None


def _stage_fields(step: str, text: str, *, votes: tuple[int, int, int], approval_rate: int | None) -> dict[str, Any]:
    """What the stage records on the proposal, checked."""
    if step == "deliberate":
        return {"deliberation": text}
    if step == "decide":
        for name, value in zip(("votes_for", "votes_against", "votes_abstain"), votes, strict=True):
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_VOTES:
                raise ServiceError(_("票数应为 0 到 %(n)d 的整数") % {"n": MAX_VOTES}, field=name)
        if sum(votes) == 0:
            raise ServiceError(_("请填写表决票数"), field="votes_for")
        return {"decision": text, "votes_for": votes[0], "votes_against": votes[1], "votes_abstain": votes[2]}
    if step == "evaluate":
        if isinstance(approval_rate, bool) or not isinstance(approval_rate, int) or not 0 <= approval_rate <= 100:
            raise ServiceError(_("群众满意率应为 0 到 100"), field="approval_rate")
        return {"evaluation": text, "approval_rate": approval_rate}
    return {"published_at": clock.now()}


def next_step(status: str) -> str | None:
    """The step that moves a proposal on from `status` (None once published)."""
    return next((step for step, (source, _t) in PROPOSAL_FLOW.items() if source == status), None)


def _next_step_label(proposal: Proposal) -> str:
    current = Proposal.objects.filter(pk=proposal.pk).values_list("status", flat=True).first() or proposal.status
    step = next_step(current)
    return str(Proposal.Status(PROPOSAL_FLOW[step][1]).label) if step else str(_("无（已公开）"))
