"""Reads of listening: forums with their routed findings, officers and their sessions, reception days with their
free places, a citizen's bookings, staff's list of a day's bookings, mystery visits with their findings, and the
one figure of findings per source and routing state."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onewindow.core import clock
from onewindow.core.actors import Actor, actor_user
from onewindow.feedback.models import SuggestionState
from onewindow.listening.models import (
    Agency,
    Booking,
    BookingStatus,
    ExperienceSession,
    FindingSource,
    Forum,
    ListeningFinding,
    MysteryVisit,
    Officer,
    ReceptionDay,
    ReceptionSlot,
)
from onewindow.supervision.models import Finding, FindingState

_FINDINGS = ListeningFinding.objects.select_related("suggestion__department", "suggestion__category")


def forums() -> QuerySet[Forum]:
    return (Forum.objects.select_related("hall", "host_department")
            .annotate(finding_count=Count("findings")).order_by("-held_on", "-id"))


def forum_detail(forum_id: int) -> Forum | None:
    return (Forum.objects.select_related("hall", "host_department")
            .prefetch_related(Prefetch("findings", queryset=_FINDINGS)).filter(pk=forum_id).first())


def officers() -> QuerySet[Officer]:
    return Officer.objects.select_related("hall").annotate(session_count=Count("sessions")).order_by("enrolled_on",
                                                                                                     "id")


def sessions(*, officer: Officer | None = None) -> QuerySet[ExperienceSession]:
    qs = (ExperienceSession.objects.select_related("officer", "hall", "item")
          .prefetch_related(Prefetch("findings", queryset=_FINDINGS)).order_by("-held_on", "-id"))
    return qs.filter(officer=officer) if officer is not None else qs


def reception_days(*, upcoming: bool = True, limit: int = 50) -> list[ReceptionDay]:
    today = clock.today()
    qs = ReceptionDay.objects.select_related("hall", "department").prefetch_related(
        Prefetch("slots", queryset=ReceptionSlot.objects.order_by("starts_at", "id")))
    qs = qs.filter(held_on__gte=today).order_by("held_on", "id") if upcoming else \
        qs.filter(held_on__lt=today).order_by("-held_on", "-id")
    return list(qs[:limit])


def day_bookings(day_id: int) -> ReceptionDay | None:
    return (ReceptionDay.objects.select_related("hall", "department")
            .prefetch_related(Prefetch("slots", queryset=ReceptionSlot.objects.order_by("starts_at")),
                              Prefetch("bookings", queryset=Booking.objects.select_related(
                                  "slot", "citizen__profile").prefetch_related(
                                  Prefetch("findings", queryset=_FINDINGS)).order_by("slot__starts_at", "id")))
            .filter(pk=day_id).first())


def my_bookings(user: Actor) -> QuerySet[Booking]:
    person = actor_user(user)
    return (Booking.objects.select_related("slot", "day__hall", "day__department")
            .filter(citizen_id=person.pk if person else None).order_by("-day__held_on", "slot__starts_at"))


def agencies() -> QuerySet[Agency]:
    return Agency.objects.annotate(visit_count=Count("visits")).order_by("name")


def visits() -> list[MysteryVisit]:
    listed = list(MysteryVisit.objects.select_related("agency", "hall", "inspection").order_by("-covert_from", "-id"))
    by_inspection: dict[int, list[Finding]] = {}
    found = Finding.objects.filter(kind="inspection",
                                   inspection_result__inspection_id__in=[v.inspection_id for v in listed])
    for f in found.select_related("inspection_result").order_by("id"):
        assert f.inspection_result is not None
        by_inspection.setdefault(f.inspection_result.inspection_id, []).append(f)
    for v in listed:
        v.found = by_inspection.get(v.inspection_id, [])  # type: ignore[attr-defined]
    return listed


# ------------------------------------------------------------------ the figure

FORMULA = gettext_lazy("每个来源的问题数 = 该来源登记并转办为意见建议的问题条数；按转办后意见建议的当前状态分列"
           "（待分派、办理中、限期整改中、已答复、已办结）；已答复率 = (已答复 + 已办结) ÷ 问题数。"
           "蹲守暗访的问题数 = 蹲守检查中不合格检查点生成的督查问题条数，按问题状态（未解决、已解决）分列。")


@dataclass
class SourceRow:
    source: str
    label: str
    total: int = 0
    by_state: dict[str, int] = field(default_factory=dict)

    @property
    def answered(self) -> int:
        return self.by_state.get(SuggestionState.ANSWERED, 0) + self.by_state.get(SuggestionState.CLOSED, 0)

    @property
    def answered_rate(self) -> float | None:
        return round(100 * self.answered / self.total, 1) if self.total else None

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source, "label": self.label, "total": self.total, "by_state": self.by_state,
                "answered": self.answered, "answered_rate": self.answered_rate}


def findings_figures(*, since: dt.date | None = None, until: dt.date | None = None) -> dict[str, Any]:
    """Findings per source and their routing state (two queries whatever the numbers)."""
    rows = {s.value: SourceRow(s.value, str(s.label)) for s in FindingSource}
    qs = ListeningFinding.objects.all()
    if since:
        qs = qs.filter(suggestion__received_at__date__gte=since)
    if until:
        qs = qs.filter(suggestion__received_at__date__lte=until)
    for rec in qs.values("source", "suggestion__state").annotate(n=Count("id")).order_by():
        row = rows[rec["source"]]
        row.by_state[rec["suggestion__state"]] = rec["n"]
        row.total += rec["n"]
    visit_q = MysteryVisit.objects.all()
    if since:
        visit_q = visit_q.filter(covert_to__gte=since)
    if until:
        visit_q = visit_q.filter(covert_from__lte=until)
    mystery = Finding.objects.filter(kind="inspection", inspection_result__inspection_id__in=visit_q.values(
        "inspection_id")).aggregate(total=Count("id"), open=Count("id", filter=Q(state=FindingState.OPEN)))
    return {"sources": [r.as_dict() for r in rows.values()],
            "states": [{"code": s.value, "label": str(s.label)} for s in SuggestionState],
            "mystery": {"label": str(_("蹲守暗访")), "total": mystery["total"], "open": mystery["open"],
                        "resolved": mystery["total"] - mystery["open"]},
            "formula": str(FORMULA)}


def booking_state_label(status: str) -> str:
    return str(dict(BookingStatus.choices).get(status, status))


def form_choices() -> dict[str, Any]:
    """Halls, departments and suggestion categories for the forms (three queries)."""
    from onewindow.catalog.models import Department
    from onewindow.feedback.selectors.suggestions import suggestion_categories
    from onewindow.hall.models import Hall

    return {"halls": list(Hall.objects.filter(active=True).order_by("code")),
            "departments": list(Department.objects.order_by("sort_order", "code")),
            "categories": suggestion_categories(active_only=True)}


def citizen_label(booking: Booking) -> str:
    """The booker as staff see them on the desk: the display name masked (never the full name in a list)."""
    from onewindow.core.masking import mask_name

    profile = getattr(booking.citizen, "profile", None)
    return mask_name((profile.display_name if profile else "") or booking.citizen.get_username())
