"""The values hall 0006 cannot rename but must derive, for the rows that existed before it (see 0006):
from_status from the subject's previous event, the clerk-state actor and action, the actors' labels, the
appointment events' to_status, and signed_out for ended sessions."""

from django.conf import settings
from django.db import migrations
from django.db.models import F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Substr

TICKET_TO_STATUS = {  # action → the ticket status it leaves the ticket in
    "issued": "waiting", "called": "called", "recalled": "called", "transferred": "waiting", "no_show": "no_show",
    "requeued": "waiting", "started": "serving", "finished": "finished", "cancelled": "cancelled",
}


def _from_previous(model, subject):
    """from_status = the to_status of the subject's previous event (by at, id); '' for its first."""
    previous = (model.objects.filter(**{subject: OuterRef(subject)})
                .filter(Q(at__lt=OuterRef("at")) | Q(at=OuterRef("at"), id__lt=OuterRef("id")))
                .order_by("-at", "-id").values("to_status")[:1])
    model.objects.update(from_status=Coalesce(Subquery(previous), Value("")))


def _labels(apps, model):
    """actor_label = the actor's display name, else the username (one UPDATE per distinct actor)."""
    User = apps.get_model(settings.AUTH_USER_MODEL)
    Profile = apps.get_model("core", "Profile")
    actor_ids = set(model.objects.exclude(actor__isnull=True).values_list("actor_id", flat=True).distinct())
    names = dict(Profile.objects.filter(user_id__in=actor_ids).values_list("user_id", "display_name"))
    for user_id, username in User.objects.filter(pk__in=actor_ids).values_list("pk", "username"):
        model.objects.filter(actor_id=user_id).update(actor_label=(names.get(user_id) or username)[:150])


def derive(apps, schema_editor):
    TicketEvent = apps.get_model("hall", "TicketEvent")
    ClerkStateEvent = apps.get_model("hall", "ClerkStateEvent")
    ClerkSession = apps.get_model("hall", "ClerkSession")
    AppointmentEvent = apps.get_model("hall", "AppointmentEvent")

    for action, status in TICKET_TO_STATUS.items():
        TicketEvent.objects.filter(action=action).update(to_status=status)
    _from_previous(TicketEvent, "ticket")
    _labels(apps, TicketEvent)

    clerk = ClerkSession.objects.filter(pk=OuterRef("session")).values("clerk_id")[:1]
    ClerkStateEvent.objects.update(actor_id=Subquery(clerk))
    _from_previous(ClerkStateEvent, "session")
    moves = [  # (filter, action), first match wins: each UPDATE only touches rows still without an action
        (Q(to_status="signed_out"), "sign_out"),
        (Q(from_status=""), "sign_in"),
        (Q(to_status="serving"), "serve"),
        (Q(to_status="available", from_status="serving"), "free"),
        (Q(to_status="available"), "resume"),
        (Q(to_status="break"), "break"),
        (Q(to_status="away"), "away"),
    ]
    for condition, action in moves:
        ClerkStateEvent.objects.filter(condition, action="").update(action=action)
    ClerkStateEvent.objects.filter(action="").update(action=F("to_status"))
    _labels(apps, ClerkStateEvent)
    ClerkSession.objects.filter(ended_at__isnull=False).update(state="signed_out")

    AppointmentEvent.objects.update(to_status=F("action"))
    _from_previous(AppointmentEvent, "appointment")
    _labels(apps, AppointmentEvent)


def underive(apps, schema_editor):
    """Back to the old shapes: the old note column held 200 characters, and signed_out was no session state."""
    TicketEvent = apps.get_model("hall", "TicketEvent")
    ClerkSession = apps.get_model("hall", "ClerkSession")
    TicketEvent.objects.update(reason=Substr("reason", 1, 200))
    ClerkSession.objects.filter(state="signed_out").update(state="available")


class Migration(migrations.Migration):

    dependencies = [
        ("hall", "0006_events_on_the_shared_base"),
        ("core", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(derive, underive),
    ]
