"""TicketApplication.application_id becomes a real foreign key to cases.Application (same column)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0001_initial"),
        ("hall", "0003_one_current_ticket_per_counter"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="ticketapplication", name="ticket_application_unique"),
        migrations.RenameField(model_name="ticketapplication", old_name="application_id", new_name="application"),
        migrations.AlterField(
            model_name="ticketapplication",
            name="application",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="ticket_links",
                                    to="cases.application", verbose_name="申请"),
        ),
        migrations.AddConstraint(
            model_name="ticketapplication",
            constraint=models.UniqueConstraint(fields=("ticket", "application"), name="ticket_application_unique"),
        ),
    ]
