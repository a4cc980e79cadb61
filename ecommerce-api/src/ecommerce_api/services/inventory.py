"""Stock counters, changed only by single-document conditional updates.

Each SKU's document holds `on_hand`, `reserved` and `available` (= on_hand - reserved).
Every change is one `update_one` whose filter states the condition and whose `$inc` makes
the change, so the check and the write are one atomic step on the database:

    reserve 2:  {"sku": s, "available": {"$gte": 2}}  ->  $inc reserved +2, available -2

Two checkouts racing for the last unit both send that update; the database applies them one
after the other, and the second no longer matches. Reading the count first and writing
afterwards ("if available >= 2: update") would let both through. Every movement is also
written to the `stock_movements` ledger with who, why and when."""

from __future__ import annotations

from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.errors import DuplicateKeyError

from backend_shared.clock import utcnow
from backend_shared.db import Database
from backend_shared.errors import Conflict, NotFound
from backend_shared.pagination import PageParams
from ecommerce_api.models.inventory import MovementKind, StockMovementDoc
from ecommerce_api.models.products import InventoryDoc
from ecommerce_api.paging import find_page
from ecommerce_api.services import audit
from ecommerce_api.services.collections import INVENTORY, STOCK_MOVEMENTS


async def _record(
    *,
    db: Database,
    sku: str,
    kind: MovementKind,
    on_hand_delta: int = 0,
    reserved_delta: int = 0,
    reason: str,
    actor_id: ObjectId | None,
    order_id: ObjectId | None = None,
) -> None:
    movement = StockMovementDoc(
        sku=sku,
        kind=kind,
        on_hand_delta=on_hand_delta,
        reserved_delta=reserved_delta,
        reason=reason,
        actor_id=actor_id,
        order_id=order_id,
        at=utcnow(),
    )
    await db[STOCK_MOVEMENTS].insert_one(movement.to_mongo())


async def create_stock(
    *, db: Database, product_id: ObjectId, stock: dict[str, int], actor_id: ObjectId
) -> None:
    """One counter document per new SKU. A SKU that already exists (the unique index says
    so, even when two admins create it at the same moment) is a 409, and the counters this
    call made are removed again."""
    created: list[str] = []
    now = utcnow()
    for sku, on_hand in stock.items():
        doc = InventoryDoc(
            sku=sku,
            product_id=product_id,
            on_hand=on_hand,
            reserved=0,
            available=on_hand,
            updated_at=now,
        )
        try:
            await db[INVENTORY].insert_one(doc.to_mongo())
        except DuplicateKeyError:
            if created:
                await db[INVENTORY].delete_many({"sku": {"$in": created}, "product_id": product_id})
            raise Conflict(f"SKU {sku} already exists", field="sku") from None
        created.append(sku)
    for sku, on_hand in stock.items():
        await _record(
            db=db,
            sku=sku,
            kind=MovementKind.INITIAL,
            on_hand_delta=on_hand,
            reason="initial stock",
            actor_id=actor_id,
        )


async def availability(*, db: Database, skus: list[str]) -> dict[str, int]:
    """Available units per SKU (missing SKUs are absent from the result)."""
    if not skus:
        return {}
    docs = (
        await db[INVENTORY]
        .find({"sku": {"$in": skus}}, {"sku": 1, "available": 1, "_id": 0})
        .to_list(None)
    )
    return {doc["sku"]: doc["available"] for doc in docs}


async def in_stock_product_ids(*, db: Database) -> list[ObjectId]:
    docs = (
        await db[INVENTORY]
        .find({"available": {"$gt": 0}}, {"product_id": 1, "_id": 0})
        .to_list(None)
    )
    return list({doc["product_id"] for doc in docs})


async def get_item(*, db: Database, sku: str) -> InventoryDoc:
    doc = await db[INVENTORY].find_one({"sku": sku})
    if doc is None:
        raise NotFound(f"SKU {sku} not found")
    return InventoryDoc.from_mongo(doc)


async def adjust(
    *, db: Database, sku: str, delta: int, reason: str, actor_id: ObjectId
) -> InventoryDoc:
    """Add `delta` to stock on hand. Removing stock never takes it below what unpaid orders
    have reserved: the filter `available >= -delta` is the guard, checked by the database
    in the same step as the write."""
    condition: dict[str, Any] = {"sku": sku}
    if delta < 0:
        condition["available"] = {"$gte": -delta}
    updated = await db[INVENTORY].find_one_and_update(
        condition,
        {"$inc": {"on_hand": delta, "available": delta}, "$set": {"updated_at": utcnow()}},
        return_document=ReturnDocument.AFTER,
    )
    if updated is None:
        current = await get_item(db=db, sku=sku)  # 404 if the SKU does not exist
        raise Conflict(
            f"Cannot remove {-delta} of {sku}: {current.on_hand} on hand, "
            f"{current.reserved} reserved by unpaid orders"
        )
    await _record(
        db=db,
        sku=sku,
        kind=MovementKind.ADJUSTMENT,
        on_hand_delta=delta,
        reason=reason,
        actor_id=actor_id,
    )
    await audit.record(
        db=db,
        actor_id=actor_id,
        action="inventory.adjusted",
        target_type="sku",
        target_id=sku,
        details={"delta": delta, "reason": reason},
    )
    return InventoryDoc.from_mongo(updated)


async def reserve(
    *, db: Database, sku: str, quantity: int, order_id: ObjectId, customer_id: ObjectId
) -> bool:
    """Hold `quantity` units for an unpaid order, if that many are available."""
    result = await db[INVENTORY].update_one(
        {"sku": sku, "available": {"$gte": quantity}},
        {"$inc": {"reserved": quantity, "available": -quantity}, "$set": {"updated_at": utcnow()}},
    )
    if result.modified_count == 0:
        return False
    await _record(
        db=db,
        sku=sku,
        kind=MovementKind.RESERVED,
        reserved_delta=quantity,
        reason="checkout",
        actor_id=customer_id,
        order_id=order_id,
    )
    return True


async def release(
    *,
    db: Database,
    sku: str,
    quantity: int,
    order_id: ObjectId,
    reason: str,
    actor_id: ObjectId | None,
) -> None:
    """Give a reservation back. Callers make sure each reservation is released once."""
    await db[INVENTORY].update_one(
        {"sku": sku, "reserved": {"$gte": quantity}},
        {"$inc": {"reserved": -quantity, "available": quantity}, "$set": {"updated_at": utcnow()}},
    )
    await _record(
        db=db,
        sku=sku,
        kind=MovementKind.RELEASED,
        reserved_delta=-quantity,
        reason=reason,
        actor_id=actor_id,
        order_id=order_id,
    )


async def sell(*, db: Database, sku: str, quantity: int, order_id: ObjectId) -> None:
    """A paid order's reservation leaves the shelf: on_hand and reserved both drop."""
    await db[INVENTORY].update_one(
        {"sku": sku, "reserved": {"$gte": quantity}, "on_hand": {"$gte": quantity}},
        {"$inc": {"on_hand": -quantity, "reserved": -quantity}, "$set": {"updated_at": utcnow()}},
    )
    await _record(
        db=db,
        sku=sku,
        kind=MovementKind.SOLD,
        on_hand_delta=-quantity,
        reserved_delta=-quantity,
        reason="order paid",
        actor_id=None,
        order_id=order_id,
    )


async def list_items(
    *, db: Database, page: PageParams, low_stock: int | None
) -> tuple[list[InventoryDoc], int]:
    query: dict[str, Any] = {} if low_stock is None else {"available": {"$lte": low_stock}}
    docs, total = await find_page(
        db[INVENTORY], query, sort=[("available", ASCENDING), ("sku", ASCENDING)], page=page
    )
    return [InventoryDoc.from_mongo(doc) for doc in docs], total


async def list_movements(
    *, db: Database, sku: str, page: PageParams
) -> tuple[list[StockMovementDoc], int]:
    await get_item(db=db, sku=sku)  # 404 for an unknown SKU, not an empty page
    query = {"sku": sku}
    docs, total = await find_page(
        db[STOCK_MOVEMENTS], query, sort=[("at", DESCENDING), ("_id", DESCENDING)], page=page
    )
    return [StockMovementDoc.from_mongo(doc) for doc in docs], total
