"""Payment provider events (Stripe-shaped) and what the webhook answers."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, StrictInt


class EventObject(BaseModel):
    id: str = Field(max_length=255, description="The payment intent's id")
    amount: StrictInt = Field(ge=0)
    currency: str = Field(max_length=3)
    metadata: dict[str, str] = Field(default_factory=dict)


class EventData(BaseModel):
    object: EventObject


class WebhookEvent(BaseModel):
    """Unknown fields are ignored: providers add fields without notice."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": "evt_1c2b4d5e6f708192a3b4c5d6",
                "type": "payment_intent.succeeded",
                "created": 1795253400,
                "data": {
                    "object": {
                        "id": "pi_3f9a1c2b4d5e6f708192a3b4",
                        "amount": 2338,
                        "currency": "eur",
                        "metadata": {"order_id": "665f1c2ab1e4c2a1d3f0e9c3"},
                    }
                },
            }
        }
    )

    id: str = Field(min_length=1, max_length=255)
    type: str = Field(max_length=100)
    created: StrictInt = Field(ge=0, le=2**40)
    data: EventData


class WebhookOutcome(StrEnum):
    PAID = "paid"
    PAYMENT_FAILED = "payment_failed"
    REFUNDED = "refunded"
    # A payment for an order that had expired or been cancelled: given back at once.
    LATE_PAYMENT_REFUNDED = "late_payment_refunded"
    DUPLICATE = "duplicate"  # this event id was processed before
    STALE = "stale"  # older than an event already applied to the order
    AMOUNT_MISMATCH = "amount_mismatch"  # never marks an order paid
    UNKNOWN_PAYMENT = "unknown_payment"
    NO_CHANGE = "no_change"  # the order is already past what this event says
    IGNORED = "ignored"  # an event type the shop does not act on


class WebhookReceipt(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "received": True,
                "event_id": "evt_1c2b4d5e6f708192a3b4c5d6",
                "outcome": "paid",
                "order_id": "665f1c2ab1e4c2a1d3f0e9c3",
            }
        }
    )

    received: bool = True
    event_id: str
    outcome: WebhookOutcome
    order_id: str | None = None
