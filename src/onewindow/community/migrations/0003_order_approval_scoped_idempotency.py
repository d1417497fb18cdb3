"""Orders: claimed minutes, who confirmed, and the `pending` state (minutes above the suggested time wait for
a community worker's approval). Transfers: idempotency keys scoped to their submitter and bound to the body.

Existing rows stay valid: the system's own keys (order-credit-<id>, reverse-<id>, event-credit-<id>, demo-…)
keep the empty scope; keys a submitter sent through the old API (`api-<user>-<key>`) or web form (`web-<key>`,
operator = the submitter) move to that submitter's scope, so a retry after the upgrade still finds them.
"""

import re

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


API_KEY = re.compile(r"^api-(\d+)-(.+)$")
WEB_KEY = re.compile(r"^web-(.+)$")


def scope_submitted_keys(apps, schema_editor):  # noqa: ANN001, ANN201
    Transfer = apps.get_model("community", "Transfer")
    rows = Transfer.objects.filter(idempotency_scope="", kind__in=["donation", "redemption"]).filter(
        models.Q(idempotency_key__startswith="api-") | models.Q(idempotency_key__startswith="web-"))
    for pk, key, operator_id in rows.values_list("pk", "idempotency_key", "operator_id"):
        api, web = API_KEY.match(key), WEB_KEY.match(key)
        if api:
            scope, new_key = f"user:{api.group(1)}", api.group(2)
        elif web and operator_id and web.group(1):
            scope, new_key = f"user:{operator_id}", web.group(1)
        else:
            continue
        if not Transfer.objects.filter(idempotency_scope=scope, idempotency_key=new_key).exists():
            Transfer.objects.filter(pk=pk).update(idempotency_scope=scope, idempotency_key=new_key)


class Migration(migrations.Migration):

    dependencies = [
        ('community', '0002_ledger_triggers'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='order',
            name='claimed_minutes',
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name='申报时长（分钟）'),
        ),
        migrations.AddField(
            model_name='order',
            name='confirmed_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='确认人'),
        ),
        migrations.AddField(
            model_name='transfer',
            name='idempotency_fingerprint',
            field=models.CharField(blank=True, default='', max_length=64),
        ),
        migrations.AddField(
            model_name='transfer',
            name='idempotency_scope',
            field=models.CharField(blank=True, default='', max_length=80),
        ),
        migrations.AlterField(
            model_name='order',
            name='status',
            field=models.CharField(choices=[('open', '待接单'), ('taken', '已接单'), ('done', '待确认'), ('pending', '超时待审核'), ('confirmed', '已确认记时'), ('disputed', '有异议'), ('cancelled', '已取消'), ('rejected', '异议不予记时')], default='open', max_length=10, verbose_name='状态'),
        ),
        migrations.AlterField(
            model_name='transfer',
            name='idempotency_key',
            field=models.CharField(max_length=120),
        ),
        migrations.AddConstraint(
            model_name='order',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'pending'), _negated=True), ('claimed_minutes__gt', 0), _connector='OR'), name='order_pending_has_claim'),
        ),
        migrations.AddConstraint(
            model_name='transfer',
            constraint=models.UniqueConstraint(fields=('idempotency_scope', 'idempotency_key'), name='transfer_idempotency_unique'),
        ),
        migrations.RunPython(scope_submitted_keys, migrations.RunPython.noop),
    ]
