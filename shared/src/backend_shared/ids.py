"""Ids at the API edge: ObjectIds as strings outside and `ObjectId` inside, and the bound
on any integer a client sends that reaches a query.

Whatever a client names a document by must be something BSON can encode: a real MongoDB
server refuses the whole query (OverflowError, InvalidDocument, a 500) where the embedded
engine just finds nothing. So ids are parsed strictly here, and integers are bounded to
int64, before any query is built."""

from __future__ import annotations

import inspect
import re
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from bson import ObjectId
from fastapi import Path
from pydantic import BeforeValidator, PlainSerializer, PlainValidator, WithJsonSchema

from backend_shared.errors import NotFound

EXAMPLE_ID = "665f1c2ab1e4c2a1d3f0e9b7"

# BSON's widest integer; a larger one cannot be sent to MongoDB at all.
INT64_MAX = 2**63 - 1

_OBJECT_ID_HEX = re.compile(r"[0-9a-fA-F]{24}")


def parse_object_id(value: Any) -> ObjectId | None:
    """The ObjectId a client sent (exactly 24 hexadecimal digits), or None when it is not
    one (callers answer 404)."""
    if isinstance(value, ObjectId):
        return value
    if not isinstance(value, str) or _OBJECT_ID_HEX.fullmatch(value) is None:
        return None
    return ObjectId(value)


def _to_hex(value: Any) -> str:
    object_id = parse_object_id(value)
    if object_id is None:
        raise ValueError("must be a 24-character hexadecimal id")
    return str(object_id)


# A pydantic field type: reads an ObjectId (from the database) or its hex string (from a
# client) and always holds and writes the string, so models stay JSON-native.
ObjectIdStr = Annotated[
    str,
    BeforeValidator(_to_hex),
    WithJsonSchema(
        {"type": "string", "pattern": "^[0-9a-f]{24}$", "examples": ["665f1c2ab1e4c2a1d3f0e9b7"]}
    ),
]


def _to_object_id(value: Any) -> ObjectId:
    object_id = parse_object_id(value)
    if object_id is None:
        raise ValueError("must be a 24-character hexadecimal id")
    return object_id


# A pydantic field that HOLDS an `ObjectId` (for stored documents: no string parsed again
# later), reads one or its hex string, and writes the hex string to JSON.
ObjectIdField = Annotated[
    ObjectId,
    PlainValidator(_to_object_id),
    PlainSerializer(str, return_type=str, when_used="json"),
    WithJsonSchema(
        {"type": "string", "pattern": "^[0-9a-f]{24}$", "examples": ["665f1c2ab1e4c2a1d3f0e9b7"]}
    ),
]


def object_id_or_404(value: Any, resource: str) -> ObjectId:
    """The ObjectId in `value`, or NotFound: a malformed id names nothing, like a missing one."""
    object_id = parse_object_id(value)
    if object_id is None:
        raise NotFound(f"{resource} not found")
    return object_id


def object_id_path(name: str, *, resource: str) -> Callable[..., Awaitable[ObjectId]]:
    """A dependency that reads the path parameter `name` as an ObjectId; a malformed id is
    the same 404 as an id that names nothing, so ids cannot be probed for their shape.

        TaskId = Annotated[ObjectId, Depends(object_id_path("task_id", resource="Task"))]
    """

    async def parse(**path: str) -> ObjectId:
        return object_id_or_404(path[name], resource)

    parameter = inspect.Parameter(
        name,
        inspect.Parameter.KEYWORD_ONLY,
        annotation=Annotated[
            str, Path(description=f"The {resource.lower()}'s id", examples=[EXAMPLE_ID])
        ],
    )
    parse.__signature__ = inspect.Signature([parameter], return_annotation=ObjectId)  # type: ignore[attr-defined]
    return parse
