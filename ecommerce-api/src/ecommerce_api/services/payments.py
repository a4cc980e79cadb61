"""The payment provider behind one small interface. The shop asks it to create a payment
intent for an order's total and to refund one; the provider tells the shop what happened
later, through signed webhooks (services/webhooks.py). A real provider (Stripe) would
implement the same three methods with its SDK."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bson import ObjectId


@dataclass(frozen=True, slots=True)
class PaymentIntent:
    id: str
    amount: int
    currency: str
    order_id: str


class PaymentProvider(Protocol):
    async def create_intent(
        self, *, amount: int, currency: str, order_id: ObjectId
    ) -> PaymentIntent: ...

    async def cancel(self, *, intent_id: str) -> None:
        """The order will not be paid (cancelled or expired): stop accepting payment."""

    async def refund(self, *, intent_id: str) -> None:
        """Give the whole payment back."""
