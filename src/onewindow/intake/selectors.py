"""Reads for intake: an outlet's own applications, the outlet figures, an application's custody, the lockers.

The outlet figures are counted from the records: applications from each outlet's `IntakeChannel` rows, returns
from the cases' `not_accept` and `supplement` events (sent back for materials), the time to acceptance from the
first event that accepted a case of each application (`accept`, `accept_deferral`, `supplement_complete`). Each figure costs a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Min, Prefetch, Q, QuerySet
from django.http import Http404

from onewindow.cases.models import Application, Case, CaseEvent
from onewindow.core.actors import Actor, actor_user
from onewindow.hall.models import Hall
from onewindow.intake.access import can_see_custody
from onewindow.intake.models import (
    OCCUPIED,
    ChannelKind,
    Custody,
    CustodyEvent,
    CustodyKind,
    CustodyStatus,
    IntakeChannel,
    Locker,
    Outlet,
)

RETURN_ACTIONS = ("not_accept", "supplement")
ACCEPT_ACTIONS = ("accept", "accept_deferral", "supplement_complete")  # each one accepts the case


def outlet_applications(outlet: Outlet) -> QuerySet[Application]:
    """The applications this outlet brought in, newest first, with their cases (fixed query count)."""
    return (Application.objects.filter(intake_channel__outlet=outlet)
            .select_related("applicant", "intake_channel")
            .prefetch_related(Prefetch("cases", queryset=Case.objects.order_by("number")))
            .order_by("-submitted_at", "-id"))


def assisted_applications(*, limit: int = 50) -> list[Application]:
    return list(Application.objects.filter(intake_channel__kind=ChannelKind.ASSISTED)
                .select_related("applicant", "intake_channel__hall")
                .prefetch_related(Prefetch("cases", queryset=Case.objects.order_by("number")))
                .order_by("-submitted_at", "-id")[:limit])


# --------------------------------------------------------------------------- outlet figures


@dataclass(frozen=True)
class OutletFigures:
    key: str
    name: str
    kind: str
    hall: str
    volume: int
    accepted: int
    returned: int
    median_hours: float | None

    @property
    def return_rate(self) -> float | None:
        return round(self.returned / self.volume, 4) if self.volume else None

    def as_dict(self) -> dict[str, Any]:
        return {"outlet": self.key, "name": self.name, "kind": self.kind, "hall": self.hall, "volume": self.volume,
                "accepted": self.accepted, "returned": self.returned, "return_rate": self.return_rate,
                "median_hours_to_acceptance": self.median_hours}


def _first_events(application_ids: list[int], actions: tuple[str, ...]) -> dict[int, dt.datetime]:
    rows = (CaseEvent.objects.filter(case__application_id__in=application_ids, action__in=actions)
            .values("case__application_id").annotate(first=Min("at")))
    return {r["case__application_id"]: r["first"] for r in rows}


def outlet_figures(*, since: dt.date | None = None, until: dt.date | None = None) -> list[OutletFigures]:
    """Per outlet (and one row per hall for the hall's own 帮办): volume, returns for materials, median hours
    from submission to acceptance. `since`/`until` bound the submission day (inclusive)."""
    channels = IntakeChannel.objects.select_related("outlet__hall", "hall").order_by()
    if since:
        channels = channels.filter(application__submitted_at__date__gte=since)
    if until:
        channels = channels.filter(application__submitted_at__date__lte=until)
    rows: list[dict[str, Any]] = [dict(r) for r in channels.values("application_id", "application__submitted_at", "kind", "outlet_id", "hall_id")]
    ids = [r["application_id"] for r in rows]
    accepted = _first_events(ids, ACCEPT_ACTIONS)
    returned = set(CaseEvent.objects.filter(case__application_id__in=ids, action__in=RETURN_ACTIONS)
                   .values_list("case__application_id", flat=True).distinct())
    groups: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        group = ("outlet", r["outlet_id"]) if r["kind"] == ChannelKind.OUTLET else ("assisted", r["hall_id"])
        groups[group].append(r)
    outlets = {o.pk: o for o in Outlet.objects.select_related("hall")}
    halls = {h.pk: h for h in Hall.objects.all()}
    out: list[OutletFigures] = []
    for outlet in outlets.values():
        out.append(_figures(("outlet", outlet.pk), groups, accepted, returned, key=outlet.code, name=outlet.display_name,
                            kind=outlet.kind, hall=outlet.hall.name))
    for (kind, hall_id) in sorted(k for k in groups if k[0] == "assisted"):
        hall = halls[hall_id]
        out.append(_figures((kind, hall_id), groups, accepted, returned, key=f"assisted:{hall.code}",
                            name=hall.name, kind="assisted", hall=hall.name))
    return out


def _figures(group: tuple[str, int], groups: dict[tuple[str, int], list[dict[str, Any]]],
             accepted: dict[int, dt.datetime], returned: set[int], **labels: str) -> OutletFigures:
    apps = groups.get(group, [])
    hours = [(accepted[r["application_id"]] - r["application__submitted_at"]).total_seconds() / 3600
             for r in apps if r["application_id"] in accepted]
    return OutletFigures(volume=len(apps), accepted=len(hours),
                         returned=sum(1 for r in apps if r["application_id"] in returned),
                         median_hours=round(statistics.median(hours), 1) if hours else None, **labels)


# --------------------------------------------------------------------------- custody


def custody_application(user: Actor, number: str) -> Application:
    """The application if this user may see its custody; 404 otherwise (nobody learns of another's application)."""
    app = (Application.objects.select_related("applicant")
           .prefetch_related(Prefetch("cases", queryset=Case.objects.select_related("department").order_by("number")))
           .filter(number=str(number)[:20]).first())
    if app is None or not can_see_custody(user, app):
        raise Http404("application")
    return app


def custody_of(application: Application) -> list[Custody]:
    return list(Custody.objects.filter(application=application).select_related("locker__hall")
                .prefetch_related(Prefetch("events", queryset=CustodyEvent.objects.order_by("at", "id")))
                .order_by("created_at", "id"))


def custody_item(number: str) -> Custody:
    item = (Custody.objects.select_related("application__applicant", "locker")
            .filter(number=str(number)[:24]).first())
    if item is None:
        raise Http404("custody")
    return item


def lockers(*, hall_code: str = "") -> list[Locker]:
    qs = Locker.objects.filter(active=True).select_related("hall").order_by("hall__sort_order", "code")
    if hall_code:
        qs = qs.filter(hall__code=hall_code)
    found = list(qs)
    taken: dict[int, int] = defaultdict(int)
    for row in (Custody.objects.filter(locker__in=found, status__in=OCCUPIED).values("locker_id")):
        taken[row["locker_id"]] += 1
    for locker in found:
        locker.taken = taken[locker.pk]  # type: ignore[attr-defined]
    return found


def waiting_for_clerk() -> dict[str, list[Custody]]:
    """What the hall has to do: drops to collect, envelopes to sign for, results not yet picked up."""
    base = Custody.objects.select_related("application__applicant", "locker__hall").order_by("updated_at", "id")
    return {
        "to_collect": list(base.filter(status=CustodyStatus.DROPPED)[:200]),
        "envelopes": list(base.filter(kind=CustodyKind.ENVELOPE,
                                      status__in=(CustodyStatus.REQUESTED, CustodyStatus.MAILED))[:200]),
        "ready": list(base.filter(status=CustodyStatus.READY)[:200]),
    }


def my_applications(user: Actor, *, limit: int = 100) -> list[Application]:
    """A citizen's own applications (on their account, or submitted online by them)."""
    person = actor_user(user)
    if person is None:
        return []
    return list(Application.objects.filter(Q(applicant__user=person) | Q(submitted_by=person))
                .prefetch_related("cases", "custody_items").order_by("-submitted_at", "-id")[:limit])
