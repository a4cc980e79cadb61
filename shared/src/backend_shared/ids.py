"""MongoDB ObjectIds at the API edge: strings outside, `ObjectId` inside."""

from __future__ import annotations

from typing import Annotated, Any

from bson import ObjectId
from bson.errors import InvalidId
from pydantic import BeforeValidator, WithJsonSchema


def parse_object_id(value: Any) -> ObjectId | None:
    """The ObjectId a client sent, or None when it is not one (callers answer 404)."""
    if isinstance(value, ObjectId):
        return value
    if not isinstance(value, str):
        return None
    try:
        return ObjectId(value)
    except InvalidId:
        return None


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
