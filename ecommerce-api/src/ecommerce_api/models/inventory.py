"""Stock: counters per SKU, the admin's adjustments, and the ledger of every movement."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, StrictInt, field_validator

from backend_shared.ids import ObjectIdField
from backend_shared.models import StrictModel
from ecommerce_api.models.base import StoredDocument
from ecommerce_api.models.products import InventoryDoc


class MovementKind(StrEnum):
    INITIAL = "initial"  # the stock a variant was created with
    ADJUSTMENT = "adjustment"  # an admin: received, damaged, counted...
    RESERVED = "reserved"  # a checkout holds it for an unpaid order
    RELEASED = "released"  # an order was cancelled or expired, or a checkout failed
    SOLD = "sold"  # an order was paid: the reservation leaves the shelf


class StockMovementDoc(StoredDocument):
    sku: str
    kind: MovementKind
    on_hand_delta: int
    reserved_delta: int
    reason: str
    actor_id: ObjectIdField | None  # None: the system (the expiry task, a webhook)
    order_id: ObjectIdField | None = None
    at: datetime


class AdjustmentIn(StrictModel):
    model_config = ConfigDict(
        json_schema_extra={"example": {"delta": 10, "reason": "received from supplier"}}
    )

    delta: StrictInt = Field(
        ge=-1_000_000, le=1_000_000, description="Added to stock on hand (negative removes)"
    )
    reason: str = Field(min_length=1, max_length=200, examples=["received from supplier"])

    @field_validator("delta")
    @classmethod
    def _not_zero(cls, delta: int) -> int:
        if delta == 0:
            raise ValueError("delta must not be 0")
        return delta


class InventoryPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "sku": "MUG-BLUE",
                "product_id": "665f1c2ab1e4c2a1d3f0e9b7",
                "on_hand": 25,
                "reserved": 3,
                "available": 22,
            }
        }
    )

    sku: str
    product_id: str
    on_hand: int
    reserved: int
    available: int

    @classmethod
    def from_doc(cls, doc: InventoryDoc) -> InventoryPublic:
        return cls(
            sku=doc.sku,
            product_id=str(doc.product_id),
            on_hand=doc.on_hand,
            reserved=doc.reserved,
            available=doc.available,
        )


class StockMovementPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "sku": "MUG-BLUE",
                "kind": "adjustment",
                "on_hand_delta": 10,
                "reserved_delta": 0,
                "reason": "received from supplier",
                "actor_id": "665f1c2ab1e4c2a1d3f0e9b7",
                "order_id": None,
                "at": "2026-11-21T09:30:00Z",
            }
        }
    )

    sku: str
    kind: MovementKind
    on_hand_delta: int
    reserved_delta: int
    reason: str
    actor_id: str | None = Field(description="Who; null when the system did it")
    order_id: str | None
    at: datetime

    @classmethod
    def from_doc(cls, doc: StockMovementDoc) -> StockMovementPublic:
        return cls(
            sku=doc.sku,
            kind=doc.kind,
            on_hand_delta=doc.on_hand_delta,
            reserved_delta=doc.reserved_delta,
            reason=doc.reason,
            actor_id=None if doc.actor_id is None else str(doc.actor_id),
            order_id=None if doc.order_id is None else str(doc.order_id),
            at=doc.at,
        )
