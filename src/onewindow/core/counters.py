"""Human-readable numbers from locked per-day counters."""

import datetime as dt

from django.db import connection

from onewindow.core import rows
from onewindow.core.models import DailyCounter

# One statement: create the (scope, day) row at 1 or add one to it, and read the value back. The row stays
# locked by the caller's transaction until it commits, so concurrent callers queue on it and a rollback gives
# the number back. PostgreSQL and SQLite (3.35+) both speak this upsert.
_TABLE = DailyCounter._meta.db_table
_NEXT_SQL = (f'INSERT INTO "{_TABLE}" ("scope", "day", "value") VALUES (%s, %s, 1) '
             f'ON CONFLICT ("scope", "day") DO UPDATE SET "value" = "{_TABLE}"."value" + 1 RETURNING "value"')


def counter_next(*, scope: str, day: dt.date) -> int:
    """Return the next value of (scope, day), starting at 1. Gapless within committed transactions.

    Call inside the transaction that creates the numbered record, so a rollback gives the number back.
    """
    with rows.cursor(connection) as cursor:
        cursor.execute(_NEXT_SQL, [scope, connection.ops.adapt_datefield_value(day)])
        return int(cursor.fetchone()[0])
