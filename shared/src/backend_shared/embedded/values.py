"""Stored values on their way out: the copy a read hands back, and the order a sort puts
documents in, both exactly as mongomock's, with less work for the plain values documents
are mostly made of."""

from __future__ import annotations

import copy
import functools
import operator
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from bson import ObjectId
from bson.tz_util import utc
from mongomock import filtering

Document = dict[str, Any]

_MISSING = object()

# Immutable: a copy can share them. Exact types (a subclass takes the general path).
_SHARED = frozenset({str, int, float, bool, bytes, type(None), ObjectId})
_IMMUTABLE = (str, int, float, bytes, type(None), ObjectId)

# Types whose values Python orders exactly as MongoDB's BSON comparison does (mongomock
# compares two values of one such kind with `<` itself): the kind each belongs to.
_NATIVE_ORDER: dict[type, str] = {
    int: "number",
    float: "number",
    str: "string",
    ObjectId: "objectId",
    datetime: "date",
}


def copy_out(value: Any, aware: bool) -> Any:
    """mongomock's `_copy_field` then `make_datetime_timezone_aware_in_document`, in one walk:
    dicts, lists and dates are new objects, immutable values are shared."""
    kind = type(value)
    if kind is dict:
        return {
            key: item if type(item) in _SHARED else copy_out(item, aware)
            for key, item in value.items()
        }
    if kind is datetime:
        return value.replace(tzinfo=utc) if aware else value
    if kind is list:
        return [item if type(item) in _SHARED else copy_out(item, aware) for item in value]
    return _copy_any(value, aware)


def _copy_any(value: Any, aware: bool) -> Any:
    """`copy_out` for any value, subclasses included."""
    if isinstance(value, dict):
        return {key: copy_out(item, aware) for key, item in value.items()}
    if isinstance(value, list) or (aware and isinstance(value, tuple)):
        return [copy_out(item, aware) for item in value]
    if isinstance(value, datetime):
        return value.replace(tzinfo=utc) if aware else value
    if isinstance(value, _IMMUTABLE):
        return value
    return copy.copy(value)


def sort_documents(documents: Iterable[Document], sort: Any) -> Iterable[Document]:
    """mongomock's sort: one stable sort per key, the last key first. When every document
    holds the key's field as one kind of `_NATIVE_ORDER` value, the value itself is the sort
    key (the same comparisons, so the same order); otherwise mongomock's BSON sort key."""
    for field, direction in reversed(list(sort.items() if isinstance(sort, dict) else sort)):
        if field == "$natural":
            if direction < 0:
                documents = list(documents)[::-1]
            continue
        if field.startswith("$"):
            raise NotImplementedError(f"Sorting by {field} is not implemented in mongomock yet")
        documents = list(documents)
        key = (
            operator.itemgetter(field)
            if _orders_natively(field, documents)
            else functools.partial(filtering.resolve_sort_key, field)
        )
        documents = sorted(documents, key=key, reverse=direction < 0)
    return documents


def _orders_natively(field: str, documents: list[Document]) -> bool:
    if "." in field:
        return False
    kinds = {_NATIVE_ORDER.get(type(document.get(field, _MISSING))) for document in documents}
    return len(kinds) == 1 and None not in kinds
