"""Message schemas. One `MessagePublic` shape goes out over REST and Socket.IO alike."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from backend_shared.ids import ObjectIdStr
from backend_shared.models import StrictModel


class MessageSender(BaseModel):
    id: ObjectIdStr
    display_name: str | None


class MessagePublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": "665f1c2ab1e4c2a1d3f0e9c0",
                "room_id": "665f1c2ab1e4c2a1d3f0e9b7",
                "sender": {"id": "665f1c2ab1e4c2a1d3f0e9b1", "display_name": "Ada"},
                "body": "Hello!",
                "created_at": "2026-11-21T09:31:00Z",
                "edited_at": None,
                "deleted": False,
            }
        }
    )

    id: ObjectIdStr
    room_id: ObjectIdStr
    sender: MessageSender
    # None once deleted: the tombstone keeps its place in the history, not its words.
    body: str | None
    created_at: datetime
    edited_at: datetime | None
    deleted: bool

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> MessagePublic:
        deleted = doc.get("deleted_at") is not None
        return cls(
            id=doc["_id"],
            room_id=doc["room_id"],
            sender=MessageSender(id=doc["sender_id"], display_name=doc.get("sender_name")),
            body=None if deleted else doc["body"],
            created_at=doc["created_at"],
            edited_at=doc.get("edited_at"),
            deleted=deleted,
        )


class MessagesPage(BaseModel):
    """Newest first. Pass `next_before` as `before` for the next (older) page; it is None
    on the last page."""

    items: list[MessagePublic]
    next_before: ObjectIdStr | None


class MessageEdit(StrictModel):
    # Length is checked against the configured maximum by the service.
    body: str = Field(min_length=1, examples=["Hello again!"])


class ReadReceiptIn(StrictModel):
    message_id: ObjectIdStr


class ReadReceiptPublic(BaseModel):
    room_id: ObjectIdStr
    user_id: ObjectIdStr
    last_read_message_id: ObjectIdStr
    unread_count: int
