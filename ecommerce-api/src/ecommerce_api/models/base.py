"""The base of every stored document: an `ObjectId` that stays an `ObjectId` inside the
service, and `from_mongo` / `to_mongo` so documents cross the database edge typed."""

from __future__ import annotations

from typing import Annotated, Any, Self

from bson import ObjectId
from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, PlainValidator, WithJsonSchema

from backend_shared.ids import parse_object_id


def _object_id(value: Any) -> ObjectId:
    object_id = parse_object_id(value)
    if object_id is None:
        raise ValueError("must be a 24-character hexadecimal id")
    return object_id


# candidate for shared: issue 8 asks for "an ObjectId field that holds an ObjectId".
PyObjectId = Annotated[
    ObjectId,
    PlainValidator(_object_id),
    # Stays an ObjectId in Python (what MongoDB stores); a string in JSON.
    PlainSerializer(str, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "pattern": "^[0-9a-f]{24}$"}),
]


class StoredDocument(BaseModel):
    """A MongoDB document: `_id` in the database, `id` in Python."""

    model_config = ConfigDict(arbitrary_types_allowed=True, populate_by_name=True)

    id: PyObjectId = Field(default_factory=ObjectId, alias="_id")

    @classmethod
    def from_mongo(cls, doc: dict[str, Any]) -> Self:
        return cls.model_validate(doc)

    def to_mongo(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True)
