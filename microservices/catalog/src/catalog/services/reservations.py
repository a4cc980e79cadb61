"""Holding stock for an order, all lines or none: the saga step catalog owns.

Each line is held by one conditional write on its product: take `quantity` from
`available` only if that many are available and this order holds none yet, and record the
hold (`holds.<order_id>`) in the same write. Holding is therefore safe to repeat: a handler
that died after holding two of three lines is run again and holds only the third. If some
line cannot be held, the lines already held are released (compensation) and the order is
rejected. The outcome is decided once, by compare-and-set on the order's reservation
document, in the same write that stores the outcome's event in its outbox.

`order.cancelled` may arrive before, during or after `order.placed` (they travel on
different streams): it marks the reservation cancelled (a tombstone that `order.placed`
respects) and releases whatever is held; a placement that loses the race to a
cancellation releases its own holds."""

from __future__ import annotations

from typing import Any

from pymongo import ReturnDocument

from backend_shared.clock import utcnow
from backend_shared.db import Database
from catalog.services.store import PRODUCTS, RESERVATIONS
from shop_contracts.events import (
    OrderCancelledV1,
    OrderPlacedV1,
    ReservedLine,
    ShortLine,
    StockRejectedV1,
    StockReservedV1,
    new_event,
)
from shop_platform.outbox import with_events
from shop_platform.runtime import EventContext
from shop_platform.telemetry import current_traceparent

RESERVING = "reserving"
RESERVED = "reserved"
REJECTED = "rejected"
CANCELLED = "cancelled"


async def hold_line(*, db: Database, order_id: str, line: ReservedLine) -> int | None:
    """Hold `line` for the order. None when held (now or by an earlier run), otherwise
    how many units are available."""
    held = await db[PRODUCTS].update_one(
        {
            "sku": line.sku,
            "available": {"$gte": line.quantity},
            f"holds.{order_id}": {"$exists": False},
        },
        {"$inc": {"available": -line.quantity}, "$set": {f"holds.{order_id}": line.quantity}},
    )
    if held.modified_count:
        return None
    product = await db[PRODUCTS].find_one({"sku": line.sku})
    if product is None:
        return 0
    if order_id in product.get("holds", {}):
        return None
    available: int = product["available"]
    return available


async def release_lines(*, db: Database, order_id: str, lines: list[ReservedLine]) -> None:
    """Give back what the order holds; a line it does not hold (never held, or already
    released) is left alone, so releasing twice gives back once."""
    for line in lines:
        await db[PRODUCTS].update_one(
            {"sku": line.sku, f"holds.{order_id}": {"$exists": True}},
            {"$inc": {"available": line.quantity}, "$unset": {f"holds.{order_id}": ""}},
        )


def _lines(event: OrderPlacedV1 | OrderCancelledV1) -> list[ReservedLine]:
    return [ReservedLine(sku=line.sku, quantity=line.quantity) for line in event.lines]


async def on_order_placed(event: OrderPlacedV1, context: EventContext) -> None:
    db, order_id, lines = context.db, event.order_id, _lines(event)
    reservation = await db[RESERVATIONS].find_one_and_update(
        {"_id": order_id},
        {
            "$setOnInsert": {
                "status": RESERVING,
                "lines": [line.model_dump() for line in lines],
                "created_at": utcnow(),
            }
        },
        upsert=True,
        return_document=ReturnDocument.AFTER,
    )
    if reservation is None or reservation["status"] != RESERVING:
        return  # decided already, or cancelled before it arrived
    short: list[ShortLine] = []
    for number, line in enumerate(lines):
        available = await hold_line(db=db, order_id=order_id, line=line)
        if available is not None:
            short.append(ShortLine(sku=line.sku, requested=line.quantity, available=available))
        if number == 0:
            await context.checkpoint("reservation.after_first_line")
    if short:
        await release_lines(db=db, order_id=order_id, lines=lines)
        outcome: Any = StockRejectedV1(order_id=order_id, short=short)
        changes: dict[str, Any] = {"status": REJECTED, "short": [s.model_dump() for s in short]}
    else:
        outcome = StockReservedV1(order_id=order_id, lines=lines)
        changes = {"status": RESERVED}
    decided = await db[RESERVATIONS].update_one(
        {"_id": order_id, "status": RESERVING},
        {
            "$set": {**changes, "decided_at": utcnow()},
            **with_events(new_event(outcome, producer="catalog", trace=current_traceparent())),
        },
    )
    if decided.modified_count == 0:  # cancelled while we held: give it all back
        await release_lines(db=db, order_id=order_id, lines=lines)


async def on_order_cancelled(event: OrderCancelledV1, context: EventContext) -> None:
    db, order_id, lines = context.db, event.order_id, _lines(event)
    await db[RESERVATIONS].update_one(
        {"_id": order_id},
        {
            "$set": {"status": CANCELLED, "cancelled_at": utcnow()},
            "$setOnInsert": {"lines": [line.model_dump() for line in lines]},
        },
        upsert=True,
    )
    await release_lines(db=db, order_id=order_id, lines=lines)
