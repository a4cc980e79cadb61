"""Orders and their state machine.

    pending_payment -> paid -> fulfilled -> delivered
    pending_payment -> cancelled (the customer) | expired (nobody paid in time)
    paid -> refunded (an admin, through the payment provider)

Every transition is one compare-and-set: `update_one({"_id": id, "status": <from>}, ...)`.
Two transitions racing from the same state (a customer cancelling while the payment
webhook marks the order paid) cannot both win: the second finds the status changed and
matches nothing. Any other transition is a 409 and changes nothing.

Stock follows the order with its own compare-and-set on `stock` (reserved -> released, or
reserved -> sold), so whichever path gets there first releases or sells it exactly once."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from bson import ObjectId
from pymongo import DESCENDING, ReturnDocument

from backend_shared.clock import utcnow
from backend_shared.db import Database
from backend_shared.errors import Conflict, NotFound
from backend_shared.pagination import PageParams
from ecommerce_api.models.orders import (
    OrderDoc,
    OrderFilters,
    OrderStatus,
    PaymentStatus,
    StockState,
)
from ecommerce_api.paging import find_page
from ecommerce_api.services import audit, inventory
from ecommerce_api.services.collections import ORDERS
from ecommerce_api.services.payments import PaymentProvider

logger = logging.getLogger("ecommerce_api.orders")

# Which status each transition may start from.
TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.PAID: frozenset({OrderStatus.PENDING_PAYMENT}),
    OrderStatus.CANCELLED: frozenset({OrderStatus.PENDING_PAYMENT}),
    OrderStatus.EXPIRED: frozenset({OrderStatus.PENDING_PAYMENT}),
    OrderStatus.FULFILLED: frozenset({OrderStatus.PAID}),
    OrderStatus.DELIVERED: frozenset({OrderStatus.FULFILLED}),
    OrderStatus.REFUNDED: frozenset({OrderStatus.PAID}),
}


def _not_found() -> NotFound:
    return NotFound("Order not found")


async def get_order(*, db: Database, order_id: ObjectId, user_id: ObjectId | None) -> OrderDoc:
    """The order; with `user_id`, only if that customer placed it (else the same 404)."""
    query: dict[str, Any] = {"_id": order_id}
    if user_id is not None:
        query["user_id"] = user_id
    doc = await db[ORDERS].find_one(query)
    if doc is None:
        raise _not_found()
    return OrderDoc.from_mongo(doc)


async def find_by_intent(*, db: Database, intent_id: str) -> OrderDoc | None:
    doc = await db[ORDERS].find_one({"payment.intent_id": intent_id})
    return None if doc is None else OrderDoc.from_mongo(doc)


async def list_orders(
    *, db: Database, page: PageParams, user_id: ObjectId | None, filters: OrderFilters | None
) -> tuple[list[OrderDoc], int]:
    query: dict[str, Any] = {}
    if user_id is not None:
        query["user_id"] = user_id
    if filters is not None and filters.status is not None:
        query["status"] = filters.status.value
    if filters is not None and filters.user_id is not None:
        query["user_id"] = ObjectId(filters.user_id)
    docs, total = await find_page(
        db[ORDERS], query, sort=[("created_at", DESCENDING), ("_id", DESCENDING)], page=page
    )
    return [OrderDoc.from_mongo(doc) for doc in docs], total


async def transition(
    *,
    db: Database,
    order: OrderDoc,
    to: OrderStatus,
    by: str,
    extra: dict[str, Any] | None = None,
    condition: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> OrderDoc | None:
    """Move `order` to `to` if it is still in a status `to` may come from (and matches
    `condition`). The updated order, or None when another change got there first."""
    now = now or utcnow()
    allowed = TRANSITIONS[to]
    if order.status not in allowed:
        return None
    updated = await db[ORDERS].find_one_and_update(
        {"_id": order.id, "status": order.status.value, **(condition or {})},
        {
            "$set": {"status": to.value, "updated_at": now, **(extra or {})},
            "$push": {"history": {"status": to.value, "at": now, "by": by}},
        },
        return_document=ReturnDocument.AFTER,
    )
    return None if updated is None else OrderDoc.from_mongo(updated)


async def transition_or_409(
    *, db: Database, order: OrderDoc, to: OrderStatus, by: str, extra: dict[str, Any] | None = None
) -> OrderDoc:
    updated = await transition(db=db, order=order, to=to, by=by, extra=extra)
    if updated is None:
        current = await get_order(db=db, order_id=order.id, user_id=None)
        raise Conflict(f"An order that is {current.status.value} cannot become {to.value}")
    return updated


async def release_stock(
    *, db: Database, order: OrderDoc, reason: str, actor_id: ObjectId | None
) -> bool:
    """Give the order's reservations back, once: only the caller whose compare-and-set
    moves `stock` from reserved to released does it."""
    claimed = await db[ORDERS].update_one(
        {"_id": order.id, "stock": StockState.RESERVED.value},
        {"$set": {"stock": StockState.RELEASED.value}},
    )
    if claimed.modified_count == 0:
        return False
    for line in order.lines:
        await inventory.release(
            db=db,
            sku=line.sku,
            quantity=line.quantity,
            order_id=order.id,
            reason=reason,
            actor_id=actor_id,
        )
    return True


async def sell_stock(*, db: Database, order: OrderDoc) -> bool:
    """The paid order's reservations become sold stock, once."""
    claimed = await db[ORDERS].update_one(
        {"_id": order.id, "stock": StockState.RESERVED.value},
        {"$set": {"stock": StockState.SOLD.value}},
    )
    if claimed.modified_count == 0:
        return False
    for line in order.lines:
        await inventory.sell(db=db, sku=line.sku, quantity=line.quantity, order_id=order.id)
    return True


async def cancel(*, db: Database, order: OrderDoc, provider: PaymentProvider) -> OrderDoc:
    """The customer cancels an unpaid order: its stock goes back on the shelf."""
    cancelled = await transition_or_409(db=db, order=order, to=OrderStatus.CANCELLED, by="customer")
    await release_stock(db=db, order=cancelled, reason="order cancelled", actor_id=order.user_id)
    await provider.cancel(intent_id=order.payment.intent_id)
    return await get_order(db=db, order_id=order.id, user_id=None)


async def expire_due(
    *, db: Database, provider: PaymentProvider, now: datetime | None = None
) -> int:
    """Expire every unpaid order past its time and give its stock back; how many this call
    expired. Safe to run on several instances at once: each order's expiry is a
    compare-and-set, so an order is expired (and its stock released) by one of them only."""
    now = now or utcnow()
    due = (
        await db[ORDERS]
        .find({"status": OrderStatus.PENDING_PAYMENT.value, "expires_at": {"$lte": now}})
        .to_list(500)
    )
    expired = 0
    for doc in due:
        order = OrderDoc.from_mongo(doc)
        won = await transition(
            db=db,
            order=order,
            to=OrderStatus.EXPIRED,
            by="system",
            condition={"expires_at": {"$lte": now}},
            now=now,
        )
        if won is None:
            continue  # paid, cancelled or expired by another instance meanwhile
        expired += 1
        await release_stock(db=db, order=won, reason="order expired unpaid", actor_id=None)
        await provider.cancel(intent_id=order.payment.intent_id)
    return expired


async def repair_stock(*, db: Database) -> int:
    """Finish what a crash can interrupt: an order's status changes first and its stock
    second, so a process that dies in between leaves a cancelled or expired order still
    holding its reservation, or a paid one whose stock is not yet sold. Run by every
    instance's sweep; the compare-and-set on `stock` makes each repair happen once."""
    stranded = (
        await db[ORDERS]
        .find(
            {
                "stock": StockState.RESERVED.value,
                "status": {"$nin": [OrderStatus.PENDING_PAYMENT.value]},
            }
        )
        .to_list(500)
    )
    repaired = 0
    for doc in stranded:
        order = OrderDoc.from_mongo(doc)
        if order.status in (OrderStatus.CANCELLED, OrderStatus.EXPIRED):
            done = await release_stock(
                db=db, order=order, reason=f"order {order.status.value}", actor_id=None
            )
        else:
            done = await sell_stock(db=db, order=order)
        repaired += done
    return repaired


async def admin_transition(
    *, db: Database, order: OrderDoc, to: OrderStatus, admin_id: ObjectId
) -> OrderDoc:
    """fulfilled or delivered, by an admin, in the audit log."""
    updated = await transition_or_409(db=db, order=order, to=to, by="admin")
    await audit.record(
        db=db,
        actor_id=admin_id,
        action=f"order.{to.value}",
        target_type="order",
        target_id=str(order.id),
    )
    return updated


async def refund(
    *, db: Database, order: OrderDoc, admin_id: ObjectId, provider: PaymentProvider
) -> OrderDoc:
    """paid -> refunded, through the provider. The compare-and-set comes first, so two
    admins clicking at once (or a refund racing fulfilment) refund once; if the provider
    then fails, the order goes back to paid and the error is reported."""
    refunded = await transition_or_409(
        db=db,
        order=order,
        to=OrderStatus.REFUNDED,
        by="admin",
        extra={"payment.status": PaymentStatus.REFUNDED.value},
    )
    try:
        await provider.refund(intent_id=order.payment.intent_id)
    except Exception:
        await db[ORDERS].update_one(
            {"_id": order.id, "status": OrderStatus.REFUNDED.value},
            {
                "$set": {"status": OrderStatus.PAID.value, "payment.status": order.payment.status},
                "$pop": {"history": 1},
            },
        )
        raise
    await audit.record(
        db=db,
        actor_id=admin_id,
        action="order.refunded",
        target_type="order",
        target_id=str(order.id),
        details={"amount": order.total, "currency": order.currency},
    )
    return await get_order(db=db, order_id=refunded.id, user_id=None)
