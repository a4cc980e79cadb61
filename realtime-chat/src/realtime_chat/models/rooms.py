"""Room schemas: what a client may send, and what it gets back."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from backend_shared.ids import ObjectIdStr
from backend_shared.models import StrictModel


class RoomKind(StrEnum):
    GROUP = "group"
    DIRECT = "direct"


class MemberRole(StrEnum):
    OWNER = "owner"
    MEMBER = "member"


RoomName = Annotated[str, Field(min_length=1, max_length=80, pattern=r"^\S(.*\S)?$")]
RoomDescription = Annotated[str, Field(max_length=500)]


class RoomCreate(StrictModel):
    name: RoomName = Field(examples=["general"])
    description: RoomDescription = Field(default="", examples=["Anything goes"])
    private: bool = False


class RoomPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": "665f1c2ab1e4c2a1d3f0e9b7",
                "kind": "group",
                "name": "general",
                "description": "Anything goes",
                "private": False,
                "owner_id": "665f1c2ab1e4c2a1d3f0e9b1",
                "created_at": "2026-11-21T09:30:00Z",
                "is_member": True,
                "unread_count": 3,
            }
        }
    )

    id: ObjectIdStr
    kind: RoomKind
    name: str
    description: str
    private: bool
    owner_id: ObjectIdStr | None
    created_at: datetime
    is_member: bool
    # Messages from others after my last read receipt; None where I am not a member.
    unread_count: int | None = None

    @classmethod
    def from_doc(
        cls, doc: dict[str, Any], *, is_member: bool, unread_count: int | None = None
    ) -> RoomPublic:
        return cls(
            id=doc["_id"],
            kind=doc["kind"],
            name=doc["name"],
            description=doc["description"],
            private=doc["private"],
            owner_id=doc.get("owner_id"),
            created_at=doc["created_at"],
            is_member=is_member,
            unread_count=unread_count if is_member else None,
        )


class MemberInvite(StrictModel):
    user_id: ObjectIdStr


class MemberPublic(BaseModel):
    user_id: ObjectIdStr
    display_name: str | None
    role: MemberRole
    joined_at: datetime
