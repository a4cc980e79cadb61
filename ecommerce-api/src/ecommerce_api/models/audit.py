"""The audit log: one entry per admin action, never edited."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from backend_shared.ids import ObjectIdField
from ecommerce_api.models.base import StoredDocument


class AuditEntryDoc(StoredDocument):
    actor_id: ObjectIdField
    action: str
    target_type: str
    target_id: str
    details: dict[str, Any] = Field(default_factory=dict)
    at: datetime


class AuditEntryPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": "665f1c2ab1e4c2a1d3f0e9c1",
                "actor_id": "665f1c2ab1e4c2a1d3f0e9b7",
                "action": "inventory.adjusted",
                "target_type": "sku",
                "target_id": "MUG-BLUE",
                "details": {"delta": 10, "reason": "received from supplier"},
                "at": "2026-11-21T09:30:00Z",
            }
        }
    )

    id: str
    actor_id: str
    action: str
    target_type: str
    target_id: str
    details: dict[str, Any]
    at: datetime

    @classmethod
    def from_doc(cls, doc: AuditEntryDoc) -> AuditEntryPublic:
        return cls(
            id=str(doc.id),
            actor_id=str(doc.actor_id),
            action=doc.action,
            target_type=doc.target_type,
            target_id=doc.target_id,
            details=doc.details,
            at=doc.at,
        )
