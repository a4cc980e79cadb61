"""`POST /payments/webhook`: the payment provider tells the shop what happened.

Webhooks arrive duplicated, late and out of order, and anyone can POST to the URL, so:
- the signature is checked first (services/signatures.py), over the raw bytes; a bad or
  stale one is a 400 and changes nothing;
- each event id is processed once: its id is inserted into `webhook_events`, whose `_id`
  is unique; a duplicate is acknowledged and ignored;
- a success whose amount or currency differs from the order's total never pays it;
- an event older than one already applied to the order (`created`) changes nothing, and the
  state machine only moves forward, so a late failure never un-pays an order;
- a success for an order that expired or was cancelled (its stock may be sold to someone
  else by now) is refunded through the provider, not turned into a sale.
Every outcome is a 200, so the provider stops retrying; the outcome says what happened."""

from __future__ import annotations

import json
import logging
from typing import Any

from pydantic import ValidationError
from pymongo.errors import DuplicateKeyError

from backend_shared.clock import utcnow
from backend_shared.db import Database
from backend_shared.errors import BadRequest
from ecommerce_api.models.orders import OrderDoc, OrderStatus, PaymentStatus
from ecommerce_api.models.payments import WebhookEvent, WebhookOutcome, WebhookReceipt
from ecommerce_api.services import orders
from ecommerce_api.services.collections import ORDERS, WEBHOOK_EVENTS
from ecommerce_api.services.fake_provider import FAILED, REFUNDED, SUCCEEDED
from ecommerce_api.services.payments import PaymentProvider
from ecommerce_api.services.signatures import SignatureError, verify

logger = logging.getLogger("ecommerce_api.webhooks")

BY = "payment_provider"


def parse_event(payload: bytes) -> WebhookEvent:
    try:
        return WebhookEvent.model_validate(json.loads(payload))
    except (ValueError, ValidationError):
        raise BadRequest("The event is not a payment event this shop understands") from None


async def handle(
    *,
    db: Database,
    provider: PaymentProvider,
    payload: bytes,
    signature: str | None,
    secret: str,
    tolerance: int,
) -> WebhookReceipt:
    try:
        verify(payload, signature, secret=secret, tolerance=tolerance)
    except SignatureError as exc:
        raise BadRequest(f"Invalid webhook signature: {exc}") from None
    event = parse_event(payload)
    try:
        await db[WEBHOOK_EVENTS].insert_one(
            {"_id": event.id, "type": event.type, "received_at": utcnow()}
        )
    except DuplicateKeyError:
        return WebhookReceipt(event_id=event.id, outcome=WebhookOutcome.DUPLICATE)
    try:
        outcome, order = await _apply(db=db, provider=provider, event=event)
    except Exception:
        # Not processed after all: let the provider's retry of this event through.
        await db[WEBHOOK_EVENTS].delete_one({"_id": event.id})
        raise
    await db[WEBHOOK_EVENTS].update_one({"_id": event.id}, {"$set": {"outcome": outcome.value}})
    if outcome in (WebhookOutcome.AMOUNT_MISMATCH, WebhookOutcome.UNKNOWN_PAYMENT):
        logger.warning("webhook %s (%s): %s", event.id, event.type, outcome.value)
    return WebhookReceipt(
        event_id=event.id,
        outcome=outcome,
        order_id=None if order is None else str(order.id),
    )


async def _apply(
    *, db: Database, provider: PaymentProvider, event: WebhookEvent
) -> tuple[WebhookOutcome, OrderDoc | None]:
    if event.type not in (SUCCEEDED, FAILED, REFUNDED):
        return WebhookOutcome.IGNORED, None
    payment = event.data.object
    order = await orders.find_by_intent(db=db, intent_id=payment.id)
    if order is None or payment.metadata.get("order_id", str(order.id)) != str(order.id):
        return WebhookOutcome.UNKNOWN_PAYMENT, order
    last = order.payment.last_event_created
    if last is not None and event.created < last:
        return WebhookOutcome.STALE, order
    if payment.currency.upper() != order.currency or (
        event.type == SUCCEEDED and payment.amount != order.total
    ):
        return WebhookOutcome.AMOUNT_MISMATCH, order
    if event.type == SUCCEEDED:
        return await _succeeded(db=db, provider=provider, order=order, event=event), order
    if event.type == FAILED:
        return await _failed(db=db, order=order, event=event), order
    return await _refunded(db=db, order=order, event=event), order


def _newer(event: WebhookEvent) -> dict[str, Any]:
    """Matches an order no newer event has been applied to."""
    return {
        "$or": [
            {"payment.last_event_created": None},
            {"payment.last_event_created": {"$lte": event.created}},
        ]
    }


async def _succeeded(
    *, db: Database, provider: PaymentProvider, order: OrderDoc, event: WebhookEvent
) -> WebhookOutcome:
    paid = await orders.transition(
        db=db,
        order=order,
        to=OrderStatus.PAID,
        by=BY,
        extra={
            "payment.status": PaymentStatus.SUCCEEDED.value,
            "payment.last_event_created": event.created,
        },
        condition=_newer(event),
    )
    if paid is not None:
        await orders.sell_stock(db=db, order=paid)
        return WebhookOutcome.PAID
    current = await orders.get_order(db=db, order_id=order.id, user_id=None)
    if current.status in (OrderStatus.EXPIRED, OrderStatus.CANCELLED):
        # The money arrived for stock that was given back: return the money, once.
        claimed = await db[ORDERS].update_one(
            {"_id": order.id, "payment.status": {"$ne": PaymentStatus.REFUNDED.value}},
            {
                "$set": {
                    "payment.status": PaymentStatus.REFUNDED.value,
                    "payment.last_event_created": event.created,
                    "updated_at": utcnow(),
                }
            },
        )
        if claimed.modified_count == 1:
            await provider.refund(intent_id=order.payment.intent_id)
            return WebhookOutcome.LATE_PAYMENT_REFUNDED
    return WebhookOutcome.NO_CHANGE


async def _failed(*, db: Database, order: OrderDoc, event: WebhookEvent) -> WebhookOutcome:
    """A declined payment: the order stays payable until it expires."""
    result = await db[ORDERS].update_one(
        {
            "_id": order.id,
            "status": OrderStatus.PENDING_PAYMENT.value,
            "payment.status": {
                "$in": [PaymentStatus.REQUIRES_PAYMENT.value, PaymentStatus.FAILED.value]
            },
            **_newer(event),
        },
        {
            "$set": {
                "payment.status": PaymentStatus.FAILED.value,
                "payment.last_event_created": event.created,
                "updated_at": utcnow(),
            }
        },
    )
    return WebhookOutcome.PAYMENT_FAILED if result.modified_count else WebhookOutcome.NO_CHANGE


async def _refunded(*, db: Database, order: OrderDoc, event: WebhookEvent) -> WebhookOutcome:
    """A refund made at the provider (or confirmed after ours): a paid order becomes
    refunded; one already shipped keeps its status and records the refund."""
    extra = {
        "payment.status": PaymentStatus.REFUNDED.value,
        "payment.last_event_created": event.created,
    }
    if await orders.transition(db=db, order=order, to=OrderStatus.REFUNDED, by=BY, extra=extra):
        return WebhookOutcome.REFUNDED
    result = await db[ORDERS].update_one(
        {"_id": order.id, "payment.status": PaymentStatus.SUCCEEDED.value},
        {"$set": {**extra, "updated_at": utcnow()}},
    )
    return WebhookOutcome.REFUNDED if result.modified_count else WebhookOutcome.NO_CHANGE
