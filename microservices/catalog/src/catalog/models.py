"""catalog's schemas: what clients send and see. A product is one SKU with a price and a
count of units available (on hand and not held for an order)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictInt, field_validator

from backend_shared.ids import ObjectIdStr
from backend_shared.models import QueryModel, StrictModel
from shop_contracts.events import Money, Sku

MAX_STOCK = 1_000_000
Name = Annotated[str, Field(min_length=1, max_length=200, examples=["Blue mug"])]
Description = Annotated[str, Field(max_length=2000, examples=["Holds 350 ml."])]
Stock = Annotated[StrictInt, Field(ge=0, le=MAX_STOCK, examples=[3])]

PRODUCT_EXAMPLE: dict[str, Any] = {
    "id": "665f1c2ab1e4c2a1d3f0e9b7",
    "sku": "MUG-BLUE",
    "name": "Blue mug",
    "description": "Holds 350 ml.",
    "price": {"amount": 1250, "currency": "EUR"},
    "available": 3,
    "created_at": "2026-11-22T09:30:00Z",
    "updated_at": "2026-11-22T09:30:00Z",
}


class ProductCreate(StrictModel):
    sku: Sku
    name: Name
    description: Description = ""
    price: Money
    stock: Stock


class ProductUpdate(StrictModel):
    """Every field optional; a price change touches no order already placed (an order
    keeps the price it was placed at)."""

    name: Name | None = None
    description: Description | None = None
    price: Money | None = None

    @field_validator("name", "description", "price", mode="after")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("cannot be null")
        return value


class ProductPublic(BaseModel):
    model_config = ConfigDict(json_schema_extra={"example": PRODUCT_EXAMPLE})

    id: ObjectIdStr
    sku: str
    name: str
    description: str
    price: Money
    available: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> ProductPublic:
        return cls(id=doc["_id"], **{key: doc[key] for key in cls.model_fields if key != "id"})


class ProductFilters(QueryModel):
    q: str | None = Field(default=None, max_length=100, description="Words in the name")
    sku: list[Sku] = Field(default_factory=list, max_length=100, description="Only these SKUs")


class AdjustmentIn(StrictModel):
    """Stock received (+), damaged or counted short (-)."""

    delta: StrictInt = Field(ge=-MAX_STOCK, le=MAX_STOCK, examples=[10])
    reason: str = Field(min_length=1, max_length=200, examples=["delivery from the supplier"])

    @field_validator("delta")
    @classmethod
    def _not_zero(cls, value: int) -> int:
        if value == 0:
            raise ValueError("must not be zero")
        return value


class InventoryItem(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "sku": "MUG-BLUE",
                "product_id": "665f1c2ab1e4c2a1d3f0e9b7",
                "available": 2,
                "held": 1,
            }
        }
    )

    sku: str
    product_id: ObjectIdStr
    available: int
    # Units held for orders (pending or confirmed); released if the order is cancelled.
    held: int

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> InventoryItem:
        return cls(
            sku=doc["sku"],
            product_id=doc["_id"],
            available=doc["available"],
            held=sum(doc.get("holds", {}).values()),
        )
