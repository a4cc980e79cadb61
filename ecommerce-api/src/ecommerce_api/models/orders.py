"""Orders: lines snapshotted at checkout, money totals, the state and its history."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from backend_shared.ids import ObjectIdField
from backend_shared.models import StrictModel
from ecommerce_api.models.base import StoredDocument
from ecommerce_api.models.money import Money


class OrderStatus(StrEnum):
    PENDING_PAYMENT = "pending_payment"
    PAID = "paid"
    FULFILLED = "fulfilled"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    REFUNDED = "refunded"


class PaymentStatus(StrEnum):
    REQUIRES_PAYMENT = "requires_payment"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    REFUNDED = "refunded"


class StockState(StrEnum):
    """Where the order's stock is: held for it, given back, or sold. Each change is a
    compare-and-set, so a reservation is released (or sold) exactly once."""

    RESERVED = "reserved"
    RELEASED = "released"
    SOLD = "sold"


class ShippingAddress(StrictModel):
    name: str = Field(min_length=1, max_length=100, examples=["Ada Lovelace"])
    line1: str = Field(min_length=1, max_length=200, examples=["12 St James's Square"])
    line2: str | None = Field(default=None, max_length=200, examples=[None])
    city: str = Field(min_length=1, max_length=100, examples=["London"])
    postal_code: str = Field(min_length=1, max_length=20, examples=["SW1Y 4JH"])
    country: str = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2", examples=["GB"])


class OrderLine(BaseModel):
    sku: str
    product_id: ObjectIdField
    name: str
    unit_price: int
    quantity: int
    line_total: int


class HistoryEntry(BaseModel):
    status: OrderStatus
    at: datetime
    by: str = Field(description="customer, admin, payment_provider or system")


class Payment(BaseModel):
    intent_id: str
    status: PaymentStatus
    # The `created` time of the newest provider event applied: an older one changes nothing.
    last_event_created: int | None = None


class OrderDoc(StoredDocument):
    user_id: ObjectIdField
    status: OrderStatus
    lines: list[OrderLine]
    subtotal: int
    discount: int
    total: int
    currency: str
    coupon_code: str | None
    shipping_address: ShippingAddress
    payment: Payment
    stock: StockState
    expires_at: datetime
    history: list[HistoryEntry]
    created_at: datetime
    updated_at: datetime


class CheckoutIn(StrictModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "shipping_address": {
                    "name": "Ada Lovelace",
                    "line1": "12 St James's Square",
                    "city": "London",
                    "postal_code": "SW1Y 4JH",
                    "country": "GB",
                },
                "coupon_code": "WELCOME10",
            }
        }
    )

    shipping_address: ShippingAddress
    coupon_code: str | None = Field(default=None, min_length=1, max_length=32)


class OrderLinePublic(BaseModel):
    sku: str
    product_id: str
    name: str
    unit_price: Money
    quantity: int
    line_total: Money


class PaymentPublic(BaseModel):
    intent_id: str
    status: PaymentStatus


_EXAMPLE: dict[str, Any] = {
    "id": "665f1c2ab1e4c2a1d3f0e9c3",
    "user_id": "665f1c2ab1e4c2a1d3f0e9b8",
    "status": "pending_payment",
    "lines": [
        {
            "sku": "MUG-BLUE",
            "product_id": "665f1c2ab1e4c2a1d3f0e9b7",
            "name": "Enamel mug (Blue, 350 ml)",
            "unit_price": {"amount": 1299, "currency": "EUR"},
            "quantity": 2,
            "line_total": {"amount": 2598, "currency": "EUR"},
        }
    ],
    "subtotal": {"amount": 2598, "currency": "EUR"},
    "discount": {"amount": 260, "currency": "EUR"},
    "total": {"amount": 2338, "currency": "EUR"},
    "currency": "EUR",
    "coupon_code": "WELCOME10",
    "shipping_address": {
        "name": "Ada Lovelace",
        "line1": "12 St James's Square",
        "line2": None,
        "city": "London",
        "postal_code": "SW1Y 4JH",
        "country": "GB",
    },
    "payment": {"intent_id": "pi_3f9a1c2b4d5e6f708192a3b4", "status": "requires_payment"},
    "expires_at": "2026-11-21T09:45:00Z",
    "history": [{"status": "pending_payment", "at": "2026-11-21T09:30:00Z", "by": "customer"}],
    "created_at": "2026-11-21T09:30:00Z",
}


class OrderPublic(BaseModel):
    model_config = ConfigDict(json_schema_extra={"example": _EXAMPLE})

    id: str
    user_id: str
    status: OrderStatus
    lines: list[OrderLinePublic]
    subtotal: Money
    discount: Money
    total: Money = Field(description="subtotal - discount")
    currency: str
    coupon_code: str | None
    shipping_address: ShippingAddress
    payment: PaymentPublic
    expires_at: datetime = Field(description="Unpaid by then, the order expires")
    history: list[HistoryEntry]
    created_at: datetime

    @classmethod
    def from_doc(cls, order: OrderDoc) -> OrderPublic:
        def money(amount: int) -> Money:
            return Money(amount=amount, currency=order.currency)

        return cls(
            id=str(order.id),
            user_id=str(order.user_id),
            status=order.status,
            lines=[
                OrderLinePublic(
                    sku=line.sku,
                    product_id=str(line.product_id),
                    name=line.name,
                    unit_price=money(line.unit_price),
                    quantity=line.quantity,
                    line_total=money(line.line_total),
                )
                for line in order.lines
            ],
            subtotal=money(order.subtotal),
            discount=money(order.discount),
            total=money(order.total),
            currency=order.currency,
            coupon_code=order.coupon_code,
            shipping_address=order.shipping_address,
            payment=PaymentPublic(intent_id=order.payment.intent_id, status=order.payment.status),
            expires_at=order.expires_at,
            history=order.history,
            created_at=order.created_at,
        )


class OrderFilters(BaseModel):
    status: OrderStatus | None = None
    user_id: str | None = Field(default=None, pattern=r"^[0-9a-fA-F]{24}$")
