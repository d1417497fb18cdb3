"""Model instances from rows of SQL written once, for the few statements that run on every request of a hot
path (the signed-in user, the session, the hall queue's locked reads).

A queryset recompiles its SQL on every evaluation (joins, lookups, ordering, quoting): for a one-row read by key
that costs more CPU than the round trip to the database. These helpers keep the statement's text per database
vendor and turn its row into the model through `Model.from_db` with the backend's own converters, so SQLite and
PostgreSQL give the same values the ORM would.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from django.core.exceptions import FieldDoesNotExist
from django.db import connections, models, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import F, QuerySet, signals
from django.db.models.manager import BaseManager

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


# --------------------------------------------------------------------------- prepared statements (PostgreSQL)

_FACTORIES: dict[str, Any] = {}


def _server_binding_cursor(connection: BaseDatabaseWrapper) -> Any:
    """psycopg 3's server-side binding cursor class when this connection prepares statements, else None.

    Django's default psycopg cursor binds values client-side (it writes them into the SQL text), so PostgreSQL
    parses and plans every statement afresh and psycopg never prepares one. The statements written once here
    run on every queue request: bound server-side (`$1, $2, …`), psycopg prepares each after
    `prepare_threshold` executions on a connection (settings: ONEWINDOW_PG_PREPARE_THRESHOLD) and then only
    binds and executes it. Everything else (the ORM) keeps Django's client-side binding.
    """
    key = connection.alias
    if key not in _FACTORIES:
        factory = None
        if connection.vendor == "postgresql" and connection.settings_dict["OPTIONS"].get("prepare_threshold") is not None:
            from django.db.backends.postgresql import base as pg

            factory = getattr(pg, "ServerBindingCursor", None)  # absent with psycopg2
        _FACTORIES[key] = factory
    return _FACTORIES[key]


def cursor(connection: BaseDatabaseWrapper) -> Any:
    """`connection.cursor()` for a statement written once: prepared on PostgreSQL (see above). Same wrapper,
    same query log (tests count these statements as any other), same error translation."""
    factory = _server_binding_cursor(connection)
    if factory is None:
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        return connection._prepare_cursor(factory(connection.connection))  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- writes written once

def _plain_manager(manager: Any) -> bool:
    """A manager whose querysets are Django's own (no filtering get_queryset, no overridden create/update)."""
    return (type(manager).get_queryset is BaseManager.get_queryset and manager._queryset_class is QuerySet
            and manager._db is None)


_PLAIN_SAVE: set[Any] = {models.Model.save}


def plain_save(function: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a `save()` override that only checks the instance before `super().save()` (e.g. append-only event
    rows refusing an update), so `insert()` may write its new rows without calling it."""
    _PLAIN_SAVE.add(function)
    return function


# model label → (fields, their placeholders' count, auto field, its converters) or None when the ORM must insert
_INSERT_PLANS: dict[tuple[str, str], Any] = {}


def _insert_plan(connection: BaseDatabaseWrapper, model: Any) -> Any:
    key = (model._meta.label, connection.alias)
    if key in _INSERT_PLANS:
        return _INSERT_PLANS[key]
    meta: Any = model._meta
    plan = None
    base: Any = models.Model
    plain = (model.save in _PLAIN_SAVE and model.save_base is base.save_base
             and model._save_table is base._save_table and model._do_insert is base._do_insert
             and not meta.parents and not meta.proxy and not meta.auto_created and meta.auto_field is not None
             and list(meta.db_returning_fields) == [meta.auto_field] and not meta.order_with_respect_to
             and _plain_manager(model._base_manager)
             and connection.features.can_return_columns_from_insert)
    fields = [f for f in meta.local_concrete_fields if not f.generated and f is not meta.auto_field]
    if plain and fields and not any(hasattr(f, "get_placeholder") for f in fields):
        table = quote(connection, meta.db_table)
        returning, params = connection.ops.return_insert_columns([meta.auto_field])
        sql = (f"INSERT INTO {table} ({', '.join(quote(connection, f.column) for f in fields)})"
               f" VALUES ({', '.join(['%s'] * len(fields))}) {returning}")
        col = meta.auto_field.get_col(meta.db_table)
        convs = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        plan = (sql, params, fields, col, convs)
    _INSERT_PLANS[key] = plan
    return plan


def _insert_params(obj: Any, plan: Any, connection: BaseDatabaseWrapper, using: str) -> list[Any] | None:
    """What `Model.save` does to a new row before its INSERT (related-object checks, `pre_save` signal and field
    values such as auto_now), and the values prepared for the database; None when a value is an expression,
    which only the ORM can compile."""
    model: Any = type(obj)
    _sql, _returning, fields, _col, _convs = plan
    obj._prepare_related_fields_for_save(operation_name="save")
    signals.pre_save.send(sender=model, instance=obj, raw=False, using=using, update_fields=None)
    values = [f.pre_save(obj, True) for f in fields]
    if any(hasattr(v, "resolve_expression") for v in values):
        return None
    return [f.get_db_prep_save(v, connection=connection) for f, v in zip(fields, values, strict=True)]


def _inserted(obj: Any, pk: Any, plan: Any, connection: BaseDatabaseWrapper, using: str) -> None:
    """What `Model.save` does after the INSERT: the returned id (converted as the ORM would), the instance's
    state and the `post_save` signal."""
    _sql, _returning, _fields, col, convs = plan
    for convert in convs:
        pk = convert(pk, col, connection)
    setattr(obj, type(obj)._meta.auto_field.attname, pk)
    obj._state.db = using
    obj._state.adding = False
    signals.post_save.send(sender=type(obj), instance=obj, created=True, update_fields=None, raw=False, using=using)


def _orm_insert(obj: Any, plan: Any, using: str) -> Any:
    model: Any = type(obj)
    return obj._do_insert(model._base_manager, using, [*plan[2]], model._meta.db_returning_fields, False)[0][0]


def insert(obj: M, *, using: str | None = None) -> M:
    """`obj.save(force_insert=True)` for a new row, the INSERT written once per model: the same related-object
    checks, `pre_save` values (auto_now …), signals, database preparation of each value and returned id as
    `Model.save`, without compiling the statement. A model whose save, manager or fields need more (inheritance,
    a custom save, a database default, a field with its own placeholder) is saved by `Model.save` itself."""
    model: Any = type(obj)
    using = using or router.db_for_write(model, instance=obj)
    connection = connections[using]
    plan = _insert_plan(connection, model) if obj.pk is None else None
    if plan is None:
        obj.save(force_insert=True, using=using)
        return obj
    sql, returning_params, _fields, _col, _convs = plan
    try:
        params = _insert_params(obj, plan, connection, using)
        if params is None:  # an expression: the ORM compiles it
            pk = _orm_insert(obj, plan, using)
        else:
            with cursor(connection) as c:
                c.execute(sql, params)
                pk = connection.ops.fetch_returned_insert_columns(c, returning_params)[0]
    except Exception as exc:
        _mark_for_rollback(connection, exc)
        raise
    _inserted(obj, pk, plan, connection, using)
    return obj


def create(model: type[M], **kwargs: Any) -> M:
    """`model._default_manager.create(**kwargs)` through `insert()` (the manager's own create when it is not
    Django's plain one)."""
    manager = model._default_manager
    if not _plain_manager(manager):
        return manager.create(**kwargs)
    return insert(model(**kwargs), using=router.db_for_write(model))


def _mark_for_rollback(connection: BaseDatabaseWrapper, exc: Exception) -> None:
    # as transaction.mark_for_rollback_on_error, which Model.save and QuerySet.update wrap their statements in
    if connection.in_atomic_block:
        connection.needs_rollback = True
        connection.rollback_exc = exc  # type: ignore[attr-defined]


_UPDATES: dict[tuple[Any, ...], Any] = {}


def _update_plan(connection: BaseDatabaseWrapper, model: type[models.Model], where: tuple[str, ...],
                 names: tuple[str, ...], increment: tuple[str, ...]) -> Any:
    key = (model._meta.label, connection.alias, where, names, increment)
    if key in _UPDATES:
        return _UPDATES[key]
    meta: Any = model._meta
    plan = None
    where_fields: list[Any]
    set_fields: list[Any] = []
    inc_fields: list[Any] = []
    try:
        where_fields = [meta.pk if name == "pk" else meta.get_field(name) for name in where]
        set_fields = [meta.get_field(name) for name in names]
        inc_fields = [meta.get_field(name) for name in increment]
    except FieldDoesNotExist:
        where_fields = []
    local = {f for f in meta.local_concrete_fields if not f.generated}
    if (where_fields and _plain_manager(model._default_manager)
            and all(f in local and not f.is_relation for f in where_fields)
            and all(f in local and not f.primary_key and not hasattr(f, "get_placeholder")
                    for f in (*set_fields, *inc_fields))):
        table = quote(connection, meta.db_table)
        sets = [f"{quote(connection, f.column)} = %s" for f in set_fields]
        sets += [f"{quote(connection, f.column)} = ({table}.{quote(connection, f.column)} + %s)" for f in inc_fields]
        cond = " AND ".join(f"{table}.{quote(connection, f.column)} = %s" for f in where_fields)
        plan = (f"UPDATE {table} SET {', '.join(sets)} WHERE ({cond})", where_fields, set_fields)
    _UPDATES[key] = plan
    return plan


def update(model: type[models.Model], *, where: Mapping[str, Any], values: Mapping[str, Any],
           increment: Sequence[str] = ()) -> int:
    """`model._default_manager.filter(**where).update(**values, **{f: F(f) + 1 for f in increment})`, the
    UPDATE written once per model and set of columns; returns the row count. `where` holds equalities on the
    model's own non-relation columns (or "pk"); values are prepared for the database as the ORM prepares them.
    Anything else (expressions, None in the condition, another model's columns, a custom manager) goes through
    the queryset itself."""
    using = router.db_for_write(model)
    connection = connections[using]
    plan = None
    if _plain_update(where, values):
        plan = _update_plan(connection, model, tuple(where), tuple(values), tuple(increment))
    if plan is None:
        return model._default_manager.filter(**where).update(
            **values, **{name: F(name) + 1 for name in increment})
    try:
        with cursor(connection) as c:
            c.execute(plan[0], _update_params(plan, where, values, increment, connection))
            return int(c.rowcount)
    except Exception as exc:
        _mark_for_rollback(connection, exc)
        raise


def _plain_update(where: Mapping[str, Any], values: Mapping[str, Any]) -> bool:
    """Neither an expression nor a None condition (`IS NULL`), which only the ORM writes."""
    return not any(v is None or hasattr(v, "resolve_expression") for v in where.values()) and not any(
        hasattr(v, "resolve_expression") for v in values.values())


def _update_params(plan: Any, where: Mapping[str, Any], values: Mapping[str, Any], increment: Sequence[str],
                   connection: BaseDatabaseWrapper) -> list[Any]:
    _sql, where_fields, set_fields = plan
    params = []
    for field, value in zip(set_fields, values.values(), strict=True):
        if hasattr(value, "prepare_database_save"):
            if not field.remote_field:
                raise TypeError(f"Tried to update field {field} with a model instance, {value!r}.")
            value = value.prepare_database_save(field)
        params.append(field.get_db_prep_save(value, connection=connection))
    params += [1] * len(increment)
    params += [field.get_db_prep_value(value, connection) for field, value in zip(where_fields, where.values(),
                                                                                 strict=True)]
    return params


# (update's model, insert's model, alias, where, values, increment) → the statement doing both, or None
_TOGETHER: dict[tuple[Any, ...], str | None] = {}


def _cast_type(field: Any, connection: BaseDatabaseWrapper) -> str | None:
    """The type a bound value is cast to in an INSERT … SELECT, where PostgreSQL cannot take it from the target
    column as it does in VALUES: the column's type without its length (an explicit cast to varchar(40) would cut
    a longer text silently; the assignment to the column then refuses it as a plain INSERT does)."""
    db_type = field.cast_db_type(connection)
    return re.sub(r"\([^)]*\)", "", db_type) if db_type else None


def _together_sql(connection: BaseDatabaseWrapper, update_plan: Any, insert_plan: Any, row_model: Any) -> str | None:
    meta: Any = row_model._meta
    fields = insert_plan[2]
    casts = [_cast_type(f, connection) for f in fields]
    if not all(casts):
        return None
    returning, _params = connection.ops.return_insert_columns([meta.auto_field])
    return (f"WITH changed AS ({update_plan[0]} RETURNING 1)"
            f" INSERT INTO {quote(connection, meta.db_table)} ({', '.join(quote(connection, f.column) for f in fields)})"
            f" SELECT {', '.join(f'%s::{cast}' for cast in casts)} FROM changed {returning}")


def update_then_insert(model: type[models.Model], *, where: Mapping[str, Any], values: Mapping[str, Any],
                       increment: Sequence[str] = (), row: models.Model) -> bool:
    """`update(model, where=…, values=…, increment=…)` and, when it changed the row, `insert(row)`; False, with
    nothing written, when it changed none. `where` names the row by "pk", so at most one row changes.

    On PostgreSQL the two are one statement, a data-modifying WITH whose INSERT takes its one row from the
    UPDATE's RETURNING: a state change and its event row (every `core.events.transition()`) cost one round trip
    instead of two. Elsewhere (SQLite has no data-modifying WITH), or when either statement needs the ORM, they
    run one after the other in the caller's transaction. On PostgreSQL the row's `pre_save` signal is sent before
    the statement, so also when the update then changes nothing (as when a plain save fails after it)."""
    using = router.db_for_write(model)
    connection = connections[using]
    row_model: Any = type(row)
    sql = None
    if (connection.vendor == "postgresql" and "pk" in where and row.pk is None
            and router.db_for_write(row_model, instance=row) == using and _plain_update(where, values)):
        update_plan = _update_plan(connection, model, tuple(where), tuple(values), tuple(increment))
        insert_plan = _insert_plan(connection, row_model)
        if update_plan is not None and insert_plan is not None:
            key = (model._meta.label, row_model._meta.label, using, tuple(where), tuple(values), tuple(increment))
            if key not in _TOGETHER:
                _TOGETHER[key] = _together_sql(connection, update_plan, insert_plan, row_model)
            sql = _TOGETHER[key]
    if sql is None:
        if update(model, where=where, values=values, increment=increment) != 1:
            return False
        insert(row, using=using)
        return True
    try:
        row_params = _insert_params(row, insert_plan, connection, using)
        if row_params is None:  # an expression in the new row: the ORM inserts it, after the update
            if update(model, where=where, values=values, increment=increment) != 1:
                return False
            pk = _orm_insert(row, insert_plan, using)
        else:
            with cursor(connection) as c:
                c.execute(sql, [*_update_params(update_plan, where, values, increment, connection), *row_params])
                found = c.fetchone()
            if found is None:
                return False
            pk = found[0]
    except Exception as exc:
        _mark_for_rollback(connection, exc)
        raise
    _inserted(row, pk, insert_plan, connection, using)
    return True


# (first model, second model, link, alias) → the statement inserting both, or None
_PAIRS: dict[tuple[Any, ...], Any] = {}


def _pair_plan(connection: BaseDatabaseWrapper, first_model: Any, then_model: Any, link: str) -> Any:
    key = (first_model._meta.label, then_model._meta.label, link, connection.alias)
    if key in _PAIRS:
        return _PAIRS[key]
    plan = None
    first_plan, then_plan = _insert_plan(connection, first_model), _insert_plan(connection, then_model)
    link_field: Any = then_model._meta.get_field(link)
    if (connection.vendor == "postgresql" and first_plan is not None and then_plan is not None
            and getattr(link_field, "remote_field", None) is not None and link_field.related_model is first_model
            and link_field.target_field is first_model._meta.auto_field and link_field in then_plan[2]):
        fields = then_plan[2]
        casts = {f: _cast_type(f, connection) for f in fields if f is not link_field}
        if all(casts.values()):
            made_id = quote(connection, first_model._meta.auto_field.column)
            first_sql = first_plan[0].rsplit(" RETURNING ", 1)[0] + f" RETURNING {made_id}"
            values = ", ".join(f"made.{made_id}" if f is link_field else f"%s::{casts[f]}" for f in fields)
            table = quote(connection, then_model._meta.db_table)
            returning = (f"RETURNING {table}.{quote(connection, link_field.column)},"
                         f" {table}.{quote(connection, then_model._meta.auto_field.column)}")
            sql = (f"WITH made AS ({first_sql})"
                   f" INSERT INTO {table} ({', '.join(quote(connection, f.column) for f in fields)})"
                   f" SELECT {values} FROM made {returning}")
            plan = (sql, first_plan, then_plan, link_field, fields.index(link_field))
    _PAIRS[key] = plan
    return plan


def insert_pair(first: M, then: models.Model, *, link: str) -> M:
    """`insert(first)`, then `insert(then)` with `then.<link>` set to `first`: a new row and a row that refers to
    it (a ticket and its `issued` event). On PostgreSQL one statement (the first INSERT inside a WITH, the second
    an INSERT … SELECT of its returned id); elsewhere, or when either needs the ORM, two. `then.<link>` may be
    set to the unsaved `first` already or not at all."""
    first_model: Any = type(first)
    using = router.db_for_write(first_model, instance=first)
    connection = connections[using]
    plan = None
    if first.pk is None and then.pk is None and router.db_for_write(type(then), instance=then) == using:
        plan = _pair_plan(connection, first_model, type(then), link)
    if plan is None:
        insert(first, using=using)
        setattr(then, link, first)
        insert(then, using=using)
        return first
    sql, first_plan, then_plan, link_field, link_at = plan
    if link_field.is_cached(then):
        link_field.delete_cached_value(then)
    setattr(then, link_field.attname, None)  # the id comes from the first INSERT (checks refuse an unsaved object)
    try:
        first_params = _insert_params(first, first_plan, connection, using)
        then_params = _insert_params(then, then_plan, connection, using)
        if first_params is None or then_params is None:  # an expression: the ORM inserts both, one by one
            _inserted(first, _orm_insert(first, first_plan, using), first_plan, connection, using)
            setattr(then, link, first)
            _inserted(then, _orm_insert(then, then_plan, using), then_plan, connection, using)
            return first
        del then_params[link_at]
        with cursor(connection) as c:
            c.execute(sql, [*first_params, *then_params])
            first_pk, then_pk = c.fetchone()
    except Exception as exc:
        _mark_for_rollback(connection, exc)
        raise
    _inserted(first, first_pk, first_plan, connection, using)
    setattr(then, link, first)
    _inserted(then, then_pk, then_plan, connection, using)
    return first
