"""The cart: one document per customer, `items` mapping SKU to quantity, changed by single
atomic writes (set one line, remove one line, empty it). `version` counts changes, so
checkout empties exactly the cart it ordered and not a line added meanwhile."""

from __future__ import annotations

from typing import Any

from pymongo import ReturnDocument

from backend_shared.clock import utcnow
from backend_shared.db import Database
from backend_shared.errors import Conflict
from orders.models import MAX_CART_LINES
from orders.services.store import CARTS


async def get_cart(*, db: Database, user_id: str) -> dict[str, Any] | None:
    return await db[CARTS].find_one({"_id": user_id})


async def set_quantity(
    *, db: Database, user_id: str, sku: str, quantity: int
) -> dict[str, Any] | None:
    if quantity == 0:
        return await remove_item(db=db, user_id=user_id, sku=sku)
    cart = await get_cart(db=db, user_id=user_id)
    items = cart.get("items", {}) if cart else {}
    if sku not in items and len(items) >= MAX_CART_LINES:
        raise Conflict(f"A cart holds at most {MAX_CART_LINES} different products")
    return await db[CARTS].find_one_and_update(
        {"_id": user_id},
        {"$set": {f"items.{sku}": quantity, "updated_at": utcnow()}, "$inc": {"version": 1}},
        upsert=True,
        return_document=ReturnDocument.AFTER,
    )


async def remove_item(*, db: Database, user_id: str, sku: str) -> dict[str, Any] | None:
    return await db[CARTS].find_one_and_update(
        {"_id": user_id},
        {"$unset": {f"items.{sku}": ""}, "$set": {"updated_at": utcnow()}, "$inc": {"version": 1}},
        return_document=ReturnDocument.AFTER,
    )


async def empty(*, db: Database, user_id: str, version: int | None = None) -> None:
    """Empty the cart; with `version`, only if it has not changed since."""
    query: dict[str, Any] = {"_id": user_id}
    if version is not None:
        query["version"] = version
    await db[CARTS].update_one(
        query, {"$set": {"items": {}, "updated_at": utcnow()}, "$inc": {"version": 1}}
    )
