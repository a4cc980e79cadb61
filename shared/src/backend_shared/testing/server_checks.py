"""Make the embedded engine refuse, as a real MongoDB would, what a real one refuses.

mongomock stores and matches plain Python objects, so a query a real server could never
receive passes silently here: an integer beyond int64, a lone surrogate, a NUL in a key
(PyMongo raises OverflowError, UnicodeEncodeError or InvalidDocument while encoding
BSON), or a regular expression holding a NUL (the server refuses it). Each would be a 500
in production and a pass in tests. `refuse_what_a_server_refuses(monkeypatch)` encodes
every document, filter, update and pipeline to BSON first, as the driver does, and checks
its regular expressions, so such input fails a test on the embedded engine too."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

import bson
import mongomock.collection
import pytest
from pymongo.errors import OperationFailure

_OPERATIONS = (
    "insert_one",
    "insert_many",
    "find",
    "find_one",
    "update_one",
    "update_many",
    "replace_one",
    "delete_one",
    "delete_many",
    "count_documents",
    "find_one_and_update",
    "find_one_and_delete",
    "find_one_and_replace",
    "aggregate",
    "distinct",
)


def refuse_what_a_server_refuses(monkeypatch: pytest.MonkeyPatch) -> None:
    """For the rest of the test, every embedded collection operation checks its
    arguments as the driver and a real server would, and raises as they would."""
    for name in _OPERATIONS:
        original = getattr(mongomock.collection.Collection, name)
        monkeypatch.setattr(mongomock.collection.Collection, name, _checked(original))


def _checked(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def call(self: Any, *args: Any, **kwargs: Any) -> Any:
        for value in (*args, *kwargs.values()):
            _check(value)
        return method(self, *args, **kwargs)

    return call


def _check(value: Any) -> None:
    if isinstance(value, Mapping):
        bson.encode(value)
        _check_regexes(value)
    elif isinstance(value, list):  # documents for insert_many, stages of a pipeline
        for item in value:
            _check(item)


def _check_regexes(value: Any) -> None:
    if isinstance(value, Mapping):
        pattern = value.get("$regex")
        if isinstance(pattern, str) and "\x00" in pattern:
            raise OperationFailure("Regular expression cannot contain an embedded null byte")
        for item in value.values():
            _check_regexes(item)
    elif isinstance(value, list):
        for item in value:
            _check_regexes(item)
