"""What was served: resolve a rating target (case, application, served ticket) to its number, department,
hall, counter, clerk and item at rating time, and list the services still unrated for the default rating.

Attribution names the staff who actually handled the service, found in the append-only event rows: for a
window application the clerk who received and accepted it, for an online one the reviewer who decided it
(else the one who accepted it); a ticket names the clerk who served it. When nobody did (秒批, a system
decision) the rating goes to the department alone. The applicant is never named: their own events
(submitting, withdrawing) are not handling. `staff_ids` lists everyone who handled the service, so the
rating service can refuse a rating from them.

Reads the cases and hall tables directly (read-only); those apps own them. A resolver may be replaced in
tests through `RESOLVERS`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps


@dataclass
class ServedTarget:
    kind: str
    id: int
    number: str
    finished: bool
    served_at: dt.datetime | None = None
    department_id: int | None = None
    item_id: int | None = None
    item_name: str = ""
    clerk_id: int | None = None
    hall_id: int | None = None
    counter_id: int | None = None
    hall_name: str = ""
    counter_name: str = ""
    department_name: str = ""
    user_prop: str = "1"
    staff_ids: frozenset[int] = frozenset()
    department_ids: frozenset[int] = frozenset()
    extra: dict[str, Any] = field(default_factory=dict)


def _model(label: str) -> Any:
    try:
        return apps.get_model(label)
    except LookupError:
        return None


# decisions name the reviewer who decided; these are the acts of the window that received the application
DECISION_ACTIONS = ("approve", "deny", "not_accept")
ACCEPT_ACTIONS = ("accept", "accept_deferral", "not_accept", "supplement")


def responsible_staff(*, channel: str, events: Iterable[tuple[str, int]], applicant_ids: set[int],
                      decided_by: Iterable[int] = ()) -> tuple[int | None, frozenset[int]]:
    """(the responsible staff member or None, everyone who handled) from an application's case events, given
    in order as (action, actor id): the window clerk who received/accepted it, else (online) the reviewer who
    decided it, else the one who accepted it. The applicant's own acts are not handling."""
    handled = [(action, actor) for action, actor in events
               if actor is not None and actor not in applicant_ids and action != "withdraw"]
    decided_by = [uid for uid in decided_by if uid and uid not in applicant_ids]
    staff = frozenset({actor for _action, actor in handled} | set(decided_by))
    accepted = [actor for action, actor in handled if action in ACCEPT_ACTIONS]
    decided = [actor for action, actor in handled if action in DECISION_ACTIONS] or decided_by
    if channel == "window":
        first = handled[0][1] if handled else None  # the clerk who received it at the window
        return (accepted[0] if accepted else first), staff
    return (decided[-1] if decided else (accepted[0] if accepted else None)), staff


def applicant_user_ids(app: Any) -> set[int]:
    ids = {uid for uid in (app.applicant.user_id,) if uid}
    if app.channel != "window" and app.submitted_by_id:
        ids.add(app.submitted_by_id)  # online: the submitter is the applicant (or their agent)
    return ids


def _handlers(app: Any, cases: list[Any]) -> tuple[int | None, frozenset[int]]:
    """(the responsible staff member or None, everyone who handled) for an application's cases, from events."""
    from onewindow.cases.models import CaseEvent

    events = CaseEvent.objects.filter(case__in=[c.pk for c in cases], actor__isnull=False).order_by("at", "id")
    return responsible_staff(channel=app.channel, events=events.values_list("action", "actor_id"),
                             applicant_ids=applicant_user_ids(app), decided_by=[c.decided_by_id for c in cases])


def _case_target(case: Any) -> ServedTarget:
    from onewindow.cases.models import CaseStatus

    finished = case.status in (CaseStatus.COMPLETED, CaseStatus.DELIVERED, CaseStatus.APPROVED, CaseStatus.DENIED,
                               CaseStatus.NOT_ACCEPTED)
    served_at = case.completed_at or case.decided_at
    app = case.application
    applicant = app.applicant
    responsible, staff = _handlers(app, [case])
    return ServedTarget(
        kind="case", id=case.pk, number=case.number, finished=finished, served_at=served_at,
        department_id=case.department_id, department_name=case.department.name, item_id=case.item_id,
        item_name=case.item_name, clerk_id=responsible, staff_ids=staff,
        department_ids=frozenset({case.department_id}),
        user_prop="2" if applicant.kind == "enterprise" else "1",
    )


def resolve_case(target_id: int) -> ServedTarget | None:
    Case = _model("cases.Case")
    if Case is None:
        return None
    case = Case.objects.select_related("department", "application__applicant").filter(pk=target_id).first()
    return _case_target(case) if case else None


def resolve_application(target_id: int) -> ServedTarget | None:
    Application = _model("cases.Application")
    if Application is None:
        return None
    app = Application.objects.select_related("applicant").filter(pk=target_id).first()
    if app is None:
        return None
    from onewindow.cases.models import derive_application_status

    cases = list(app.cases.select_related("department").order_by("id"))
    status = derive_application_status(c.status for c in cases)
    first = cases[0] if cases else None
    done = [c.completed_at for c in cases if c.completed_at]
    responsible, staff = _handlers(app, cases) if cases else (None, frozenset())
    return ServedTarget(
        kind="application", id=app.pk, number=app.number, finished=status in ("completed", "delivered", "closed"),
        served_at=max(done) if done else None,
        department_id=first.department_id if first else None, department_name=first.department.name if first else "",
        item_id=first.item_id if first and len(cases) == 1 else None,
        item_name=app.name, clerk_id=responsible, staff_ids=staff,
        department_ids=frozenset(c.department_id for c in cases),
        user_prop="2" if app.applicant.kind == "enterprise" else "1",
    )


def resolve_ticket(target_id: int) -> ServedTarget | None:
    Ticket = _model("hall.Ticket")
    if Ticket is None:
        return None
    ticket = Ticket.objects.select_related("hall", "counter").filter(pk=target_id).first()
    if ticket is None:
        return None
    finished_event = ticket.events.filter(action="finished").order_by("-at").first()
    staff = set(ticket.events.exclude(actor__isnull=True).values_list("actor_id", flat=True))
    staff |= {ticket.clerk_id} if ticket.clerk_id else set()
    ClerkSession = _model("hall.ClerkSession")
    if ClerkSession is not None and ticket.counter_id and finished_event is not None:
        # whoever worked this counter that day: a clerk does not rate their own counter
        from django.db.models import Q

        window = dt.timedelta(hours=12)
        staff |= set(ClerkSession.objects.filter(counter_id=ticket.counter_id,
                                                 started_at__lte=finished_event.at + window)
                     .filter(Q(ended_at__isnull=True) | Q(ended_at__gte=finished_event.at - window))
                     .values_list("clerk_id", flat=True))
    target = ServedTarget(
        kind="ticket", id=ticket.pk, number=f"{ticket.day:%Y%m%d}-{ticket.number}", finished=ticket.status == "finished",
        served_at=finished_event.at if finished_event else None,
        clerk_id=ticket.clerk_id, hall_id=ticket.hall_id, counter_id=ticket.counter_id,
        hall_name=ticket.hall.name,
        counter_name=(ticket.counter.name or f"{ticket.counter.number}号窗口") if ticket.counter else "",
        item_name=ticket.items_handled or ticket.service_label, staff_ids=frozenset(staff),
    )
    # the department and item come from the application handled at this ticket, when one is linked
    link = ticket.application_links.order_by("id").first() if hasattr(ticket, "application_links") else None
    Case = _model("cases.Case")
    if link is not None and Case is not None:
        cases = list(Case.objects.select_related("department", "application__applicant")
                     .filter(application_id=link.application_id).order_by("id"))
        case = cases[0] if cases else None
        if case is not None:
            target.staff_ids = target.staff_ids | _handlers(case.application, cases)[1]
            target.department_id = case.department_id
            target.department_ids = frozenset({case.department_id})
            target.department_name = case.department.name
            target.item_id = case.item_id
            target.item_name = target.item_name or case.item_name
    return target


RESOLVERS: dict[str, Callable[[int], ServedTarget | None]] = {
    "case": resolve_case,
    "application": resolve_application,
    "ticket": resolve_ticket,
}


def resolve(kind: str, target_id: int) -> ServedTarget | None:
    resolver = RESOLVERS.get(kind)
    return resolver(target_id) if resolver else None


def unrated_before(cutoff: dt.datetime, rated: set[tuple[str, int]], *, since: dt.datetime | None = None,
                   limit: int = 5000) -> Iterable[ServedTarget]:
    """Finished services served in [since, cutoff) that have no rating yet (default-rating candidates).

    The rated services are the applications (their page and receipt QR code carry the rating link) and the
    served tickets. An application counts as rated when it or any of its cases was rated.
    """
    Application = _model("cases.Application")
    if Application is not None:
        from django.db.models import Count, Max, Q

        from onewindow.cases.models import DONE_STATUSES

        rated_cases = {tid for kind, tid in rated if kind == "case"}
        apps_qs = (Application.objects
                   .annotate(open_cases=Count("cases", filter=~Q(cases__status__in=list(DONE_STATUSES))),
                             done_cases=Count("cases", filter=Q(cases__status__in=["completed", "delivered"])),
                             last_done=Max("cases__completed_at"))
                   .filter(open_cases=0, done_cases__gt=0, last_done__lt=cutoff).order_by("id"))
        if since is not None:
            apps_qs = apps_qs.filter(last_done__gte=since)
        candidates = [a.pk for a in apps_qs[:limit] if ("application", a.pk) not in rated]
        if rated_cases and candidates:
            Case = _model("cases.Case")
            skip = set(Case.objects.filter(pk__in=rated_cases, application_id__in=candidates)
                       .values_list("application_id", flat=True))
            candidates = [pk for pk in candidates if pk not in skip]
        for pk in candidates:
            target = resolve_application(pk)
            if target is not None:
                yield target
    Ticket = _model("hall.Ticket")
    if Ticket is not None:
        window = {"events__at__gte": since} if since is not None else {}  # one join: the finished event
        finished = (Ticket.objects.filter(status="finished", events__action="finished", events__at__lt=cutoff, **window)
                    .values_list("pk", flat=True).distinct().order_by("pk"))
        for pk in list(finished[:limit]):
            if ("ticket", pk) not in rated:
                target = resolve_ticket(pk)
                if target is not None:
                    yield target
