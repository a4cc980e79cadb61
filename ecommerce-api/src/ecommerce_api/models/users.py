"""Accounts as an admin sees them, and the one thing an admin may change: the role."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict

from backend_shared.models import StrictModel


class Role(StrEnum):
    CUSTOMER = "customer"
    ADMIN = "admin"


def role_of(account: dict[str, Any]) -> Role:
    return Role.ADMIN if Role.ADMIN in account.get("roles", []) else Role.CUSTOMER


class RoleUpdate(StrictModel):
    model_config = ConfigDict(json_schema_extra={"example": {"role": "admin"}})

    role: Role


class AdminUserPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": "665f1c2ab1e4c2a1d3f0e9b7",
                "email": "ada@example.com",
                "display_name": "Ada",
                "role": "customer",
                "created_at": "2026-11-21T09:30:00Z",
            }
        }
    )

    id: str
    email: str
    display_name: str | None
    role: Role
    created_at: datetime

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> AdminUserPublic:
        return cls(
            id=str(doc["_id"]),
            email=doc["email"],
            display_name=doc.get("display_name"),
            role=role_of(doc),
            created_at=doc["created_at"],
        )
