"""Partitions: for one indexed field, which documents hold which value, so a query with an
equality on that field looks only at those documents instead of the whole collection."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Set
from typing import Any

from bson import ObjectId

Document = dict[str, Any]

_MISSING = object()

# Values equal only to values of their own kind, in Python, mongomock and MongoDB alike, so a
# bucket for one holds exactly the documents an equality on it matches. Numbers only narrow
# the search: 1 == 1.0 == True in Python and mongomock, while MongoDB tells booleans apart.
_EXACT_KINDS = (ObjectId, str)


def _is_scalar(value: Any) -> bool:
    """A value whose equality is plain Python equality (so it can key a partition)."""
    if isinstance(value, float):
        return not math.isnan(value)
    return isinstance(value, str | int | ObjectId)


def wanted_values(condition: Any) -> list[Any] | None:
    """The values a field condition can match by equality, or None when it is not that
    simple (a range, a regex, a sub-document...)."""
    if _is_scalar(condition):
        return [condition]
    if not isinstance(condition, Mapping) or not all(str(k).startswith("$") for k in condition):
        return None
    if "$eq" in condition and _is_scalar(condition["$eq"]):
        return [condition["$eq"]]
    values = condition.get("$in")
    if isinstance(values, list | tuple) and all(_is_scalar(value) for value in values):
        return list(values)
    return None


def exact_equality(query: Any) -> tuple[str, Any] | None:
    """(field, value) when `query` is nothing but one field equal to an ObjectId or a string
    (`{"owner_id": oid}`, `{"_id": oid}`, `{"slug": {"$eq": "x"}}`), else None."""
    if type(query) is not dict or len(query) != 1:
        return None
    ((field, condition),) = query.items()
    if type(condition) is dict and len(condition) == 1 and "$eq" in condition:
        condition = condition["$eq"]
    if type(condition) in _EXACT_KINDS and not field.startswith("$"):
        return field, condition
    return None


def holds(document: Document, field: str, value: Any) -> bool:
    """Whether an equality on `field` with `value` (of an exact kind) matches `document`: the
    field is the value, or an array holding it."""
    stored = document.get(field, _MISSING)
    return stored == value or (isinstance(stored, list | tuple) and value in stored)


class Partition:
    """field value -> keys of the documents that hold it; documents whose value is not a
    plain scalar (None, a date, a sub-document, an array with one) are always candidates."""

    def __init__(self, field: str) -> None:
        self.field = field
        self.buckets: dict[Any, set[Any]] = {}
        self.always: set[Any] = set()
        self.placed: dict[Any, tuple[tuple[Any, ...], bool]] = {}

    def place(self, key: Any, document: Document) -> None:
        self.remove(key)
        value = document.get(self.field, _MISSING)
        if value is _MISSING:
            return  # cannot equal a scalar
        items = value if isinstance(value, list) else [value]
        values = tuple(item for item in items if _is_scalar(item))
        always = len(values) != len(items)
        for item in values:
            self.buckets.setdefault(item, set()).add(key)
        if always:
            self.always.add(key)
        self.placed[key] = (values, always)

    def remove(self, key: Any) -> None:
        placed = self.placed.pop(key, None)
        if placed is None:
            return
        values, always = placed
        for item in values:
            bucket = self.buckets.get(item)
            if bucket is not None:
                bucket.discard(key)
                if not bucket:
                    del self.buckets[item]
        if always:
            self.always.discard(key)

    def keys_for(self, values: Iterable[Any]) -> set[Any]:
        keys = set(self.always)
        for value in values:
            keys.update(self.buckets.get(value, ()))
        return keys

    def holding(self, value: Any) -> Set[Any]:
        """The keys of the documents holding `value` (itself, or in an array). For a value of
        an exact kind these are exactly the documents an equality on it matches: what else
        lands in `always` (None, dates, sub-documents, nested arrays) never equals it."""
        return self.buckets.get(value, frozenset())
