"""orders' schemas: the cart (SKUs and quantities; prices come from catalog at checkout)
and the order, whose lines keep the price it was placed at."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from backend_shared.ids import ObjectIdStr
from backend_shared.models import StrictModel
from shop_contracts.events import Money, ShortLine

MAX_QUANTITY = 100
MAX_CART_LINES = 50


class OrderStatus(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


CANCELLABLE = (OrderStatus.PENDING, OrderStatus.CONFIRMED)


class CartItemIn(StrictModel):
    quantity: Annotated[StrictInt, Field(ge=0, le=MAX_QUANTITY, examples=[2])]


class CartItem(BaseModel):
    sku: str
    quantity: int


class CartPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"example": {"items": [{"sku": "MUG-BLUE", "quantity": 2}]}}
    )

    items: list[CartItem]

    @classmethod
    def from_doc(cls, doc: dict[str, Any] | None) -> CartPublic:
        items = (doc or {}).get("items", {})
        return cls(items=[CartItem(sku=sku, quantity=qty) for sku, qty in sorted(items.items())])


class CheckoutIn(StrictModel):
    """Checkout takes the cart as it is; the body may be `{}` or absent."""


class OrderLinePublic(BaseModel):
    sku: str
    product_id: ObjectIdStr
    name: str
    unit_price: Money
    quantity: int
    line_total: Money


class HistoryEntry(BaseModel):
    status: OrderStatus
    at: datetime


ORDER_EXAMPLE: dict[str, Any] = {
    "id": "665f1c2ab1e4c2a1d3f0e9b7",
    "status": "confirmed",
    "lines": [
        {
            "sku": "MUG-BLUE",
            "product_id": "665f1c2ab1e4c2a1d3f0e9b8",
            "name": "Blue mug",
            "unit_price": {"amount": 1250, "currency": "EUR"},
            "quantity": 2,
            "line_total": {"amount": 2500, "currency": "EUR"},
        }
    ],
    "total": {"amount": 2500, "currency": "EUR"},
    "short": [],
    "history": [
        {"status": "pending", "at": "2026-11-22T09:30:00Z"},
        {"status": "confirmed", "at": "2026-11-22T09:30:00.040Z"},
    ],
    "created_at": "2026-11-22T09:30:00Z",
    "updated_at": "2026-11-22T09:30:00.040Z",
}


class OrderPublic(BaseModel):
    model_config = ConfigDict(json_schema_extra={"example": ORDER_EXAMPLE})

    id: ObjectIdStr
    status: OrderStatus
    lines: list[OrderLinePublic]
    total: Money
    # For a rejected order: the lines catalog could not hold.
    short: list[ShortLine]
    history: list[HistoryEntry]
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> OrderPublic:
        return cls(
            id=doc["_id"],
            status=doc["status"],
            lines=doc["lines"],
            total=doc["total"],
            short=doc.get("short", []),
            history=doc["history"],
            created_at=doc["created_at"],
            updated_at=doc["updated_at"],
        )
