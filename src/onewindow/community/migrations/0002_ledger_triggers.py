"""PostgreSQL triggers that guard the hour ledger (no-ops on other databases).

1. Zero sum: a DEFERRABLE INITIALLY DEFERRED constraint trigger on community_entry (and on community_transfer,
   so a header without entries is refused too) checks at COMMIT that each touched transfer has at least two
   entries summing to zero.
2. Immutability: BEFORE UPDATE OR DELETE on community_entry raises. (TRUNCATE, used only to empty test
   databases, fires no row trigger.)
"""

from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION community_transfer_balanced() RETURNS trigger AS $$
DECLARE
    tid bigint;
    total bigint;
    legs integer;
BEGIN
    IF TG_TABLE_NAME = 'community_entry' THEN
        tid := NEW.transfer_id;
    ELSE
        tid := NEW.id;
    END IF;
    SELECT COALESCE(SUM(amount), 0), COUNT(*) INTO total, legs FROM community_entry WHERE transfer_id = tid;
    IF total <> 0 THEN
        RAISE EXCEPTION 'ledger: transfer % does not balance (entries sum to %)', tid, total
            USING ERRCODE = 'check_violation';
    END IF;
    IF legs < 2 THEN
        RAISE EXCEPTION 'ledger: transfer % has % entries; at least two are required', tid, legs
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS community_entry_balanced ON community_entry;
CREATE CONSTRAINT TRIGGER community_entry_balanced
    AFTER INSERT ON community_entry
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION community_transfer_balanced();

DROP TRIGGER IF EXISTS community_transfer_balanced ON community_transfer;
CREATE CONSTRAINT TRIGGER community_transfer_balanced
    AFTER INSERT ON community_transfer
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION community_transfer_balanced();

CREATE OR REPLACE FUNCTION community_entry_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'ledger: entries are immutable (% refused); post a reversing transfer instead', TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS community_entry_immutable ON community_entry;
CREATE TRIGGER community_entry_immutable
    BEFORE UPDATE OR DELETE ON community_entry
    FOR EACH ROW EXECUTE FUNCTION community_entry_immutable();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS community_entry_immutable ON community_entry;
DROP TRIGGER IF EXISTS community_transfer_balanced ON community_transfer;
DROP TRIGGER IF EXISTS community_entry_balanced ON community_entry;
DROP FUNCTION IF EXISTS community_entry_immutable();
DROP FUNCTION IF EXISTS community_transfer_balanced();
"""


def forward(apps, schema_editor):  # noqa: ANN001, ANN201
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(FORWARD)


def backward(apps, schema_editor):  # noqa: ANN001, ANN201
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("community", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
