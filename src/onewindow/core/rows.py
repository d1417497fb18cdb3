"""Model instances from rows of SQL written once, for the few statements that run on every request of a hot
path (the signed-in user, the session, the hall queue's locked reads).

A queryset recompiles its SQL on every evaluation (joins, lookups, ordering, quoting): for a one-row read by key
that costs more CPU than the round trip to the database. These helpers keep the statement's text per database
vendor and turn its row into the model through `Model.from_db` with the backend's own converters, so SQLite and
PostgreSQL give the same values the ORM would.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper

M = TypeVar("M", bound=models.Model)
Converter = Callable[[Any, Any, Any], Any]

# (model, vendor) → [(column index, converters, column)]: the columns that need converting, found once
_CONVERTERS: dict[tuple[str, str], list[tuple[int, list[Converter], Any]]] = {}
_SQL: dict[tuple[str, str], str] = {}


def quote(connection: BaseDatabaseWrapper, name: str) -> str:
    return connection.ops.quote_name(name)


def columns(connection: BaseDatabaseWrapper, model: type[models.Model], alias: str) -> str:
    """The model's concrete columns in field order, qualified by `alias` (a quoted table name)."""
    return ", ".join(f"{alias}.{quote(connection, f.column)}" for f in model._meta.concrete_fields)


def width(model: type[models.Model]) -> int:
    return len(model._meta.concrete_fields)


def _converters(connection: BaseDatabaseWrapper, model: type[models.Model]) -> list[tuple[int, list[Converter], Any]]:
    key = (model._meta.label, connection.vendor)
    found = _CONVERTERS.get(key)
    if found is None:
        found = []
        for i, field in enumerate(model._meta.concrete_fields):
            col = field.get_col(model._meta.db_table)
            convs = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
            if convs:
                found.append((i, convs, col))
        _CONVERTERS[key] = found
    return found


def instance(connection: BaseDatabaseWrapper, model: type[M], row: Sequence[Any]) -> M:
    """A model instance from its concrete columns in field order, as the ORM would build it."""
    values = list(row)
    for i, convs, col in _converters(connection, model):
        value = values[i]
        for convert in convs:
            value = convert(value, col, connection)
        values[i] = value
    return model.from_db(connection.alias, None, values)  # type: ignore[arg-type]


def statement(connection: BaseDatabaseWrapper, name: str, build: Callable[[], str]) -> str:
    """The SQL text `build()` writes for this database vendor, built on first use and kept."""
    key = (name, connection.vendor)
    text = _SQL.get(key)
    if text is None:
        text = _SQL[key] = build()
    return text
