"""Ratings of applications and cases were attributed to whoever *submitted* the application (for an online
application: the citizen who wrote the review). Attribute them to the staff who handled the service, as
targets.py now does: the clerk who received it at the window, else the reviewer who decided it, else the one
who accepted it, else nobody (the department alone). Rectifications keep their department."""

from django.db import migrations

DECISION_ACTIONS = ("approve", "deny", "not_accept")
ACCEPT_ACTIONS = ("accept", "accept_deferral", "not_accept", "supplement")


def reattribute(apps, schema_editor):
    Rating = apps.get_model("feedback", "Rating")
    Application = apps.get_model("cases", "Application")
    Case = apps.get_model("cases", "Case")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    ratings = list(Rating.objects.filter(target_kind__in=("application", "case")).only("pk", "target_kind",
                                                                                          "target_id", "clerk_id"))
    for rating in ratings:
        if rating.target_kind == "case":
            case = Case.objects.filter(pk=rating.target_id).first()
            if case is None:
                continue
            app, cases = Application.objects.select_related("applicant").get(pk=case.application_id), [case]
        else:
            app = Application.objects.select_related("applicant").filter(pk=rating.target_id).first()
            if app is None:
                continue
            cases = list(Case.objects.filter(application_id=app.pk).order_by("id"))
        applicant_ids = {uid for uid in (app.applicant.user_id,) if uid}
        if app.channel != "window" and app.submitted_by_id:
            applicant_ids.add(app.submitted_by_id)
        events = [e for e in CaseEvent.objects.filter(case_id__in=[c.pk for c in cases], actor__isnull=False)
                  .order_by("at", "id") if e.actor_id not in applicant_ids and e.action != "withdraw"]
        accepted = [e.actor_id for e in events if e.action in ACCEPT_ACTIONS]
        decided = [e.actor_id for e in events if e.action in DECISION_ACTIONS] or [
            c.decided_by_id for c in cases if c.decided_by_id and c.decided_by_id not in applicant_ids]
        if app.channel == "window":
            responsible = accepted[0] if accepted else (events[0].actor_id if events else None)
        else:
            responsible = decided[-1] if decided else (accepted[0] if accepted else None)
        if responsible != rating.clerk_id:
            Rating.objects.filter(pk=rating.pk).update(clerk_id=responsible)


class Migration(migrations.Migration):

    dependencies = [
        ("feedback", "0003_link_id_public_idempotency_scope"),
        ("cases", "0002_worklist_item_index"),
    ]

    operations = [migrations.RunPython(reattribute, migrations.RunPython.noop)]
