# Fill the columns the events gained in 0003 where the old rows tell their value:
# - actor_label: the staff member's display name (else the username), as core.actors.actor_label() writes it now;
# - inspection events: started → to draft, submitted → draft → submitted (recorded moves nothing);
# - finding events: opened → to open, resolved → open → resolved; the inspection number an opened finding
#   carried in its note (e.g. JC20261102001) is its correlation now.
# Rows are updated in place (migrations use the historical models, whose save() is Django's own); none is
# added or removed. Reversible: the reverse clears what was derived and moves the inspection number back.

import re

from django.db import migrations

INSPECTION_NUMBER = re.compile(r"^JC\d{11}$")


def _labels(apps, db, model):
    Profile = apps.get_model("core", "Profile")
    names = dict(Profile.objects.using(db).exclude(display_name="").values_list("user_id", "display_name"))
    User = apps.get_model("auth", "User")
    rows = model.objects.using(db).filter(actor__isnull=False, actor_label="").values_list("actor_id", flat=True)
    for user_id in set(rows):
        label = names.get(user_id) or User.objects.using(db).filter(pk=user_id).values_list(
            "username", flat=True).first() or ""
        model.objects.using(db).filter(actor_id=user_id, actor_label="").update(actor_label=label)


def forward(apps, schema_editor):
    db = schema_editor.connection.alias
    InspectionEvent = apps.get_model("supervision", "InspectionEvent")
    FindingEvent = apps.get_model("supervision", "FindingEvent")
    NoticeEvent = apps.get_model("supervision", "NoticeEvent")
    for model in (InspectionEvent, NoticeEvent):
        _labels(apps, db, model)
    InspectionEvent.objects.using(db).filter(action="started").update(to_status="draft")
    InspectionEvent.objects.using(db).filter(action="submitted").update(from_status="draft", to_status="submitted")
    FindingEvent.objects.using(db).filter(action="opened").update(to_status="open")
    FindingEvent.objects.using(db).filter(action="resolved").update(from_status="open", to_status="resolved")
    for pk, reason in FindingEvent.objects.using(db).filter(action="opened").exclude(reason="").values_list(
            "pk", "reason"):
        if INSPECTION_NUMBER.match(reason):
            FindingEvent.objects.using(db).filter(pk=pk).update(correlation=reason, reason="")


def backward(apps, schema_editor):
    db = schema_editor.connection.alias
    InspectionEvent = apps.get_model("supervision", "InspectionEvent")
    FindingEvent = apps.get_model("supervision", "FindingEvent")
    NoticeEvent = apps.get_model("supervision", "NoticeEvent")
    for pk, correlation in FindingEvent.objects.using(db).filter(action="opened").exclude(
            correlation="").values_list("pk", "correlation"):
        FindingEvent.objects.using(db).filter(pk=pk).update(reason=correlation[:200], correlation="")
    InspectionEvent.objects.using(db).update(from_status="", to_status="", actor_label="")
    FindingEvent.objects.using(db).update(from_status="", to_status="")
    NoticeEvent.objects.using(db).update(actor_label="")


class Migration(migrations.Migration):

    dependencies = [
        ("supervision", "0003_events_on_the_append_only_base"),
        ("core", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, backward)]
