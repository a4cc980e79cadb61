"""The base of every stored document: an `ObjectId` that stays an `ObjectId` inside the
service, and `from_mongo` / `to_mongo` so documents cross the database edge typed."""

from __future__ import annotations

from typing import Any, Self

from bson import ObjectId
from pydantic import BaseModel, ConfigDict, Field

from backend_shared.ids import ObjectIdField


class StoredDocument(BaseModel):
    """A MongoDB document: `_id` in the database, `id` in Python."""

    model_config = ConfigDict(arbitrary_types_allowed=True, populate_by_name=True)

    id: ObjectIdField = Field(default_factory=ObjectId, alias="_id")

    @classmethod
    def from_mongo(cls, doc: dict[str, Any]) -> Self:
        return cls.model_validate(doc)

    def to_mongo(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True)
