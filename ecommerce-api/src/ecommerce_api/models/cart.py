"""The cart: what a customer means to buy, shown at today's prices."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from backend_shared.models import StrictModel
from ecommerce_api.models.money import Money

MAX_LINE_QUANTITY = 99


class CartItemIn(StrictModel):
    model_config = ConfigDict(json_schema_extra={"example": {"quantity": 2}})

    quantity: StrictInt = Field(ge=0, le=MAX_LINE_QUANTITY, description="0 removes the line")


class CartLine(BaseModel):
    sku: str
    product_id: str | None
    name: str
    unit_price: Money | None
    quantity: int
    line_total: Money | None
    available: int
    warning: str | None = Field(
        default=None, description="Set when this line cannot be bought as it stands"
    )


class CartPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "items": [
                    {
                        "sku": "MUG-BLUE",
                        "product_id": "665f1c2ab1e4c2a1d3f0e9b7",
                        "name": "Enamel mug (Blue, 350 ml)",
                        "unit_price": {"amount": 1299, "currency": "EUR"},
                        "quantity": 2,
                        "line_total": {"amount": 2598, "currency": "EUR"},
                        "available": 1,
                        "warning": "Only 1 available",
                    }
                ],
                "subtotal": {"amount": 2598, "currency": "EUR"},
            }
        }
    )

    items: list[CartLine]
    subtotal: Money
