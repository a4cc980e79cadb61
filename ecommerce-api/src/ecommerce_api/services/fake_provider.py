"""A fake payment provider that behaves like Stripe, for development and tests.

Intents live in its own collection (so several instances share them). Like Stripe, it
tells the shop what happened through webhook events, `{id, type, created, data: {object:
{id, amount, currency, metadata: {order_id}}}}`, signed with the webhook secret in the
`Stripe-Signature` header; `deliver` is how those requests reach the shop (in the app: the
same function `POST /payments/webhook` calls, signature check included)."""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any

from bson import ObjectId

from backend_shared.db import Database
from backend_shared.errors import NotFound
from ecommerce_api.services.collections import PAYMENT_INTENTS
from ecommerce_api.services.payments import PaymentIntent
from ecommerce_api.services.signatures import sign

Deliver = Callable[[bytes, str], Awaitable[Any]]

SUCCEEDED = "payment_intent.succeeded"
FAILED = "payment_intent.payment_failed"
REFUNDED = "charge.refunded"


class FakePaymentProvider:
    def __init__(self, *, db: Database, webhook_secret: str, deliver: Deliver | None = None):
        self._db = db
        self._secret = webhook_secret
        self.deliver = deliver

    async def create_intent(
        self, *, amount: int, currency: str, order_id: ObjectId
    ) -> PaymentIntent:
        intent = PaymentIntent(
            id=f"pi_{secrets.token_hex(12)}",
            amount=amount,
            currency=currency,
            order_id=str(order_id),
        )
        await self._db[PAYMENT_INTENTS].insert_one(
            {
                "_id": intent.id,
                "amount": amount,
                "currency": currency,
                "order_id": intent.order_id,
                "status": "requires_payment_method",
                "created": int(time.time()),
            }
        )
        return intent

    async def cancel(self, *, intent_id: str) -> None:
        await self._db[PAYMENT_INTENTS].update_one(
            {"_id": intent_id, "status": {"$ne": "succeeded"}}, {"$set": {"status": "canceled"}}
        )

    async def refund(self, *, intent_id: str) -> None:
        intent = await self._intent(intent_id)
        await self._db[PAYMENT_INTENTS].update_one(
            {"_id": intent_id}, {"$set": {"status": "refunded"}}
        )
        await self._send(REFUNDED, intent)

    async def succeed(self, intent_id: str) -> Any:
        """What a customer paying does: the provider sends `payment_intent.succeeded`."""
        intent = await self._intent(intent_id)
        await self._db[PAYMENT_INTENTS].update_one(
            {"_id": intent_id}, {"$set": {"status": "succeeded"}}
        )
        return await self._send(SUCCEEDED, intent)

    async def fail(self, intent_id: str) -> Any:
        """A declined card: the provider sends `payment_intent.payment_failed`."""
        intent = await self._intent(intent_id)
        return await self._send(FAILED, intent)

    async def _intent(self, intent_id: str) -> dict[str, Any]:
        intent = await self._db[PAYMENT_INTENTS].find_one({"_id": intent_id})
        if intent is None:
            raise NotFound("Payment intent not found")
        return intent

    def event(self, event_type: str, intent: dict[str, Any], **overrides: Any) -> dict[str, Any]:
        return {
            "id": f"evt_{secrets.token_hex(12)}",
            "type": event_type,
            "created": int(time.time()),
            "data": {
                "object": {
                    "id": intent["_id"],
                    "amount": intent["amount"],
                    "currency": intent["currency"].lower(),  # Stripe sends lower case
                    "metadata": {"order_id": intent["order_id"]},
                }
            },
            **overrides,
        }

    def signed(self, event: dict[str, Any], *, timestamp: int | None = None) -> tuple[bytes, str]:
        payload = json.dumps(event).encode()
        return payload, sign(payload, secret=self._secret, timestamp=timestamp)

    async def _send(self, event_type: str, intent: dict[str, Any]) -> Any:
        if self.deliver is None:
            return None
        payload, header = self.signed(self.event(event_type, intent))
        return await self.deliver(payload, header)
