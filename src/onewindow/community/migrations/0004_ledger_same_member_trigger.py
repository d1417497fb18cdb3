"""The database refuses a transfer that debits and credits the same member (or the same account).

PostgreSQL: an AFTER INSERT row trigger on community_entry (it fires at the end of the statement, so it sees
every leg a multi-row INSERT writes) raises when another leg of the same transfer, of the opposite sign, is on
the same account or on an account of the same member.

SQLite: an AFTER INSERT trigger with RAISE(ABORT, …) refuses a leg of the opposite sign on the same account
of the same transfer. A member owns one account (Account.member is one-to-one), so this is the same rule. The
trigger reads only community_entry on purpose: SQLite re-parses every trigger when Django rebuilds a table it
names, and a trigger naming community_account would break a later migration that rebuilds that table.
A later migration that rebuilds community_entry itself on SQLite drops this trigger with the old table and
must create it again (tests/community/test_security.py fails if it is missing).
"""

from django.db import migrations

POSTGRES_FORWARD = r"""
CREATE OR REPLACE FUNCTION community_entry_not_same_member() RETURNS trigger AS $$
DECLARE
    owner bigint;
BEGIN
    SELECT member_id INTO owner FROM community_account WHERE id = NEW.account_id;
    IF EXISTS (
        SELECT 1 FROM community_entry e JOIN community_account a ON a.id = e.account_id
        WHERE e.transfer_id = NEW.transfer_id AND e.id <> NEW.id AND sign(e.amount) <> sign(NEW.amount)
          AND (e.account_id = NEW.account_id OR (owner IS NOT NULL AND a.member_id = owner))
    ) THEN
        RAISE EXCEPTION 'ledger: transfer % debits and credits the same member (account %)',
            NEW.transfer_id, NEW.account_id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS community_entry_not_same_member ON community_entry;
CREATE TRIGGER community_entry_not_same_member
    AFTER INSERT ON community_entry
    FOR EACH ROW EXECUTE FUNCTION community_entry_not_same_member();
"""

POSTGRES_BACKWARD = r"""
DROP TRIGGER IF EXISTS community_entry_not_same_member ON community_entry;
DROP FUNCTION IF EXISTS community_entry_not_same_member();
"""

SQLITE_FORWARD = r"""
CREATE TRIGGER IF NOT EXISTS community_entry_not_same_member
AFTER INSERT ON community_entry
WHEN EXISTS (
    SELECT 1 FROM community_entry e
    WHERE e.transfer_id = NEW.transfer_id AND e.id <> NEW.id AND e.account_id = NEW.account_id
      AND (e.amount < 0) <> (NEW.amount < 0)
)
BEGIN
    SELECT RAISE(ABORT, 'ledger: a transfer cannot debit and credit the same member (same account)');
END;
"""

SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS community_entry_not_same_member;"


def forward(apps, schema_editor):  # noqa: ANN001, ANN201
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute(POSTGRES_FORWARD)
        elif vendor == "sqlite":
            cursor.execute(SQLITE_FORWARD)


def backward(apps, schema_editor):  # noqa: ANN001, ANN201
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute(POSTGRES_BACKWARD)
        elif vendor == "sqlite":
            cursor.execute(SQLITE_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("community", "0003_order_approval_scoped_idempotency")]

    operations = [migrations.RunPython(forward, backward)]
