"""Orders: checkout (one order per Idempotency-Key), reads scoped to their owner, and every
status change a compare-and-set on the current status that stores its event in the same
write (the outbox), so a change and its announcement cannot part."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from bson import ObjectId
from pymongo import DESCENDING, ReturnDocument
from pymongo.errors import DuplicateKeyError

from backend_shared.clock import utcnow
from backend_shared.db import Database
from backend_shared.errors import Conflict, NotFound, Unprocessable
from backend_shared.ids import parse_object_id
from backend_shared.pagination import PageParams
from orders.models import CANCELLABLE, OrderStatus
from orders.services import cart as carts
from orders.services.catalog_client import CatalogClient
from orders.services.store import ORDERS
from shop_contracts.events import (
    EventData,
    Money,
    OrderCancelledV1,
    OrderConfirmedV1,
    OrderLine,
    OrderPlacedV1,
    OrderRejectedV1,
    ReservedLine,
    StockRejectedV1,
    StockReservedV1,
    new_event,
)
from shop_platform.outbox import OUTBOX_FIELD, stored
from shop_platform.paging import find_page
from shop_platform.runtime import EventContext
from shop_platform.telemetry import current_traceparent

NEWEST_FIRST = [("created_at", DESCENDING), ("_id", DESCENDING)]


@dataclass(frozen=True, slots=True)
class Placed:
    order: dict[str, Any]
    replayed: bool


def fingerprint(body: dict[str, Any]) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _event(data: EventData) -> dict[str, Any]:
    """`data` as an outbox entry, carrying the current trace."""
    return stored(new_event(data, producer="orders", trace=current_traceparent()))


def _replay(order: dict[str, Any], request_hash: str) -> Placed:
    if order["fingerprint"] != request_hash:
        raise Unprocessable(
            "This Idempotency-Key was used with a different request body",
            field="Idempotency-Key",
        )
    return Placed(order, replayed=True)


async def _by_key(*, db: Database, user_id: str, key: str) -> dict[str, Any] | None:
    return await db[ORDERS].find_one({"user_id": user_id, "idempotency_key": key})


async def checkout(
    *,
    db: Database,
    catalog: CatalogClient,
    user_id: str,
    key: str,
    body: dict[str, Any],
    currency: str,
) -> Placed:
    """Turn the cart into a pending order at catalog's current prices and announce it
    (`order.placed`). The same key again gets the same order back."""
    request_hash = fingerprint(body)
    existing = await _by_key(db=db, user_id=user_id, key=key)
    if existing is not None:
        return _replay(existing, request_hash)
    cart = await carts.get_cart(db=db, user_id=user_id)
    items: dict[str, int] = cart.get("items", {}) if cart else {}
    if not cart or not items:
        raise Conflict("Your cart is empty")
    products = await catalog.products_by_sku(sorted(items))
    gone = sorted(set(items) - set(products))
    if gone:
        raise Conflict(f"No longer sold: {', '.join(gone)}; remove them from the cart")
    if any(product.price.currency != currency for product in products.values()):
        raise Conflict(f"catalog priced something in another currency than {currency}")
    lines = [
        OrderLine(
            sku=sku,
            product_id=products[sku].id,
            name=products[sku].name,
            quantity=quantity,
            unit_price=products[sku].price,
        )
        for sku, quantity in sorted(items.items())
    ]
    total = Money(
        amount=sum(line.unit_price.amount * line.quantity for line in lines), currency=currency
    )
    order_id, now = ObjectId(), utcnow()
    placed = OrderPlacedV1(order_id=str(order_id), user_id=user_id, lines=lines, total=total)
    order: dict[str, Any] = {
        "_id": order_id,
        "user_id": user_id,
        "idempotency_key": key,
        "fingerprint": request_hash,
        "status": OrderStatus.PENDING.value,
        "lines": [
            {
                **line.model_dump(),
                "line_total": {
                    "amount": line.unit_price.amount * line.quantity,
                    "currency": currency,
                },
            }
            for line in lines
        ],
        "total": total.model_dump(),
        "history": [{"status": OrderStatus.PENDING.value, "at": now}],
        "created_at": now,
        "updated_at": now,
        OUTBOX_FIELD: [_event(placed)],
    }
    try:
        await db[ORDERS].insert_one(order)
    except DuplicateKeyError:  # the same key, at the same moment: that request won
        winner = await _by_key(db=db, user_id=user_id, key=key)
        if winner is None:
            raise
        return _replay(winner, request_hash)
    await carts.empty(db=db, user_id=user_id, version=cart["version"])
    return Placed(order, replayed=False)


async def get_owned_order(*, db: Database, user_id: str, order_id: str) -> dict[str, Any]:
    """The order, if it is this customer's; anyone else's is a 404, as if it did not exist."""
    object_id = parse_object_id(order_id)
    order = await db[ORDERS].find_one({"_id": object_id, "user_id": user_id}) if object_id else None
    if order is None:
        raise NotFound("Order not found")
    return order


async def list_orders(
    *, db: Database, user_id: str, page: PageParams
) -> tuple[list[dict[str, Any]], int]:
    return await find_page(db[ORDERS], {"user_id": user_id}, sort=NEWEST_FIRST, page=page)


async def _transition(
    *,
    db: Database,
    order: dict[str, Any],
    to: OrderStatus,
    event: EventData,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any] | None:
    """Move `order` from the status it was read in to `to`, announcing `event`; None when
    its status changed in between (someone else's transition won)."""
    now = utcnow()
    return await db[ORDERS].find_one_and_update(
        {"_id": order["_id"], "status": order["status"]},
        {
            "$set": {"status": to.value, "updated_at": now, **(extra or {})},
            "$push": {"history": {"status": to.value, "at": now}, OUTBOX_FIELD: _event(event)},
        },
        return_document=ReturnDocument.AFTER,
    )


def _order_lines(order: dict[str, Any]) -> list[OrderLine]:
    return [
        OrderLine.model_validate({k: v for k, v in line.items() if k != "line_total"})
        for line in order["lines"]
    ]


async def cancel(*, db: Database, user_id: str, order_id: str) -> dict[str, Any]:
    """A pending or confirmed order becomes cancelled and `order.cancelled` tells catalog
    to release its stock; any other status is a 409 that changes nothing."""
    while True:
        order = await get_owned_order(db=db, user_id=user_id, order_id=order_id)
        if OrderStatus(order["status"]) not in CANCELLABLE:
            raise Conflict(f"A {order['status']} order cannot be cancelled")
        event = OrderCancelledV1(
            order_id=order_id,
            user_id=user_id,
            lines=[
                ReservedLine(sku=line.sku, quantity=line.quantity) for line in _order_lines(order)
            ],
        )
        updated = await _transition(db=db, order=order, to=OrderStatus.CANCELLED, event=event)
        if updated is not None:
            return updated
        # Confirmed or rejected while we looked: decide again on the new status.


async def _pending_order(db: Database, order_id: str) -> dict[str, Any] | None:
    order = await db[ORDERS].find_one({"_id": parse_object_id(order_id)})
    if order is None or order["status"] != OrderStatus.PENDING.value:
        return None  # decided already, or cancelled by its customer first
    return order


async def on_stock_reserved(event: StockReservedV1, context: EventContext) -> None:
    order = await _pending_order(context.db, event.order_id)
    if order is None:
        return
    confirmed = OrderConfirmedV1(
        order_id=event.order_id,
        user_id=order["user_id"],
        lines=_order_lines(order),
        total=Money.model_validate(order["total"]),
    )
    await _transition(db=context.db, order=order, to=OrderStatus.CONFIRMED, event=confirmed)


async def on_stock_rejected(event: StockRejectedV1, context: EventContext) -> None:
    order = await _pending_order(context.db, event.order_id)
    if order is None:
        return
    rejected = OrderRejectedV1(order_id=event.order_id, user_id=order["user_id"], short=event.short)
    short = [line.model_dump() for line in event.short]
    await _transition(
        db=context.db,
        order=order,
        to=OrderStatus.REJECTED,
        event=rejected,
        extra={"short": short},
    )
