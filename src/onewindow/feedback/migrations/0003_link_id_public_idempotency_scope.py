"""Rating links become single-use per link (link_id), suggestions get an Open311 publication flag and
idempotency keys scoped to their submitter (existing rows keep their keys under an empty scope, so they stay
valid and no new request can replay them). Requests filed through Open311 were public already: they stay so."""

from django.conf import settings
from django.db import migrations, models


def publish_open311(apps, schema_editor):
    Suggestion = apps.get_model("feedback", "Suggestion")
    Suggestion.objects.filter(channel="open311").update(public=True)


class Migration(migrations.Migration):

    dependencies = [
        ('feedback', '0002_hall_attribution'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='rating',
            name='link_id',
            field=models.CharField(blank=True, max_length=32, verbose_name='评价链接标识'),
        ),
        migrations.AddField(
            model_name='suggestion',
            name='idempotency_fingerprint',
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name='suggestion',
            name='idempotency_scope',
            field=models.CharField(blank=True, max_length=80),
        ),
        migrations.AddField(
            model_name='suggestion',
            name='public',
            field=models.BooleanField(default=False, verbose_name='公开'),
        ),
        migrations.AlterField(
            model_name='suggestion',
            name='idempotency_key',
            field=models.CharField(blank=True, max_length=120, null=True),
        ),
        migrations.AddIndex(
            model_name='suggestion',
            index=models.Index(fields=['public', 'received_at'], name='suggestion_public_received'),
        ),
        migrations.AddConstraint(
            model_name='suggestion',
            constraint=models.UniqueConstraint(condition=models.Q(('idempotency_key__isnull', False)), fields=('idempotency_scope', 'idempotency_key'), name='suggestion_idempotency_unique'),
        ),
        migrations.RunPython(publish_open311, migrations.RunPython.noop),
    ]
