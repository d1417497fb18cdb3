"""Make a set of rows exactly what the demo data says, in a handful of queries (the catalog and bundle loaders).

`sync(model, existing, wanted, key=...)` compares rows already in the database with the wanted values (by a key
made from the values) and only then writes: one bulk insert for the missing rows, one bulk update per set of
changed columns, one delete for the rows the data no longer has. Running it again with the same data writes
nothing, which is what makes the loaders idempotent and fast.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)
K = TypeVar("K", bound=Hashable)

BATCH = 500


@dataclass
class Synced:
    """What `sync` did, and the rows by key afterwards (primary keys set)."""

    rows: dict[Any, Any] = field(default_factory=dict)
    created: int = 0
    updated: int = 0
    deleted: int = 0

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.deleted


def sync(model: type[M], existing: Iterable[M], wanted: Mapping[K, Mapping[str, Any]], *,
         key: Callable[[M], K], prune: bool = True) -> Synced:
    """Rows of `model` become `wanted` (key → column values by attname, e.g. `item_id`).

    `existing` are the rows the data may own (a queryset already narrowed to the scope); `prune` deletes those
    whose key is not wanted. Returns the rows by key, so callers can link children to them.
    """
    have: dict[K, M] = {key(obj): obj for obj in existing}
    result = Synced()
    new: list[M] = []
    changed: dict[tuple[str, ...], list[M]] = defaultdict(list)
    for k, values in wanted.items():
        obj = have.get(k)
        if obj is None:
            obj = model(**values)
            new.append(obj)
        else:
            columns = tuple(sorted(f for f, v in values.items() if getattr(obj, f) != v))
            if columns:
                for f in columns:
                    setattr(obj, f, values[f])
                changed[columns].append(obj)
        result.rows[k] = obj
    if new:
        model._default_manager.bulk_create(new, batch_size=BATCH)
        result.created = len(new)
    for columns, objs in changed.items():
        model._default_manager.bulk_update(objs, list(columns), batch_size=BATCH)
        result.updated += len(objs)
    if prune:
        stale = [obj.pk for k, obj in have.items() if k not in wanted]
        if stale:
            model._default_manager.filter(pk__in=stale).delete()
            result.deleted = len(stale)
    return result


def sync_links(through: type[models.Model], left: str, right: str, owners: Iterable[int],
               wanted: Iterable[tuple[int, int]]) -> int:
    """A many-to-many relation of `owners` (ids on the `left` column) becomes exactly the `wanted` pairs."""
    owner_ids = list(owners)
    manager = through._default_manager
    have = set(manager.filter(**{f"{left}__in": owner_ids}).values_list(left, right))
    want = set(wanted)
    missing = [through(**{left: a, right: b}) for a, b in sorted(want - have)]
    manager.bulk_create(missing, batch_size=BATCH)
    stale = have - want
    for a, b in stale:
        manager.filter(**{left: a, right: b}).delete()
    return len(missing) + len(stale)
