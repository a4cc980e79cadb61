"""Carts: one document per customer, `{_id: customer_id, items: {sku: quantity}}`.

A cart holds intentions, not stock: nothing is reserved until checkout, so a cart may ask
for more than is left, and it says so on that line."""

from __future__ import annotations

from typing import Any

from bson import ObjectId

from backend_shared.clock import utcnow
from backend_shared.db import Database
from backend_shared.errors import Conflict, NotFound
from ecommerce_api.models.cart import CartLine, CartPublic
from ecommerce_api.models.money import Money
from ecommerce_api.services import inventory, products
from ecommerce_api.services.collections import CARTS

MAX_CART_LINES = 50


def line_name(product_name: str, variant_title: str) -> str:
    return f"{product_name} ({variant_title})"


async def get_items(*, db: Database, user_id: ObjectId) -> dict[str, int]:
    doc = await db[CARTS].find_one({"_id": user_id})
    items: dict[str, int] = (doc or {}).get("items", {})
    return items


async def get_cart(*, db: Database, user_id: ObjectId, currency: str) -> CartPublic:
    items = await get_items(db=db, user_id=user_id)
    skus = list(items)
    sellable = await products.find_sellable_variants(db=db, skus=skus)
    available = await inventory.availability(db=db, skus=skus)
    lines: list[CartLine] = []
    subtotal = 0
    for sku, quantity in items.items():
        found = sellable.get(sku)
        if found is None:
            lines.append(
                CartLine(
                    sku=sku,
                    product_id=None,
                    name=sku,
                    unit_price=None,
                    quantity=quantity,
                    line_total=None,
                    available=0,
                    warning="No longer sold; remove it to check out",
                )
            )
            continue
        product, variant = found
        left = available.get(sku, 0)
        line_total = variant.price * quantity
        subtotal += line_total
        lines.append(
            CartLine(
                sku=sku,
                product_id=str(product.id),
                name=line_name(product.name, variant.title),
                unit_price=Money(amount=variant.price, currency=currency),
                quantity=quantity,
                line_total=Money(amount=line_total, currency=currency),
                available=left,
                warning=None if quantity <= left else f"Only {left} available",
            )
        )
    return CartPublic(items=lines, subtotal=Money(amount=subtotal, currency=currency))


async def set_item(*, db: Database, user_id: ObjectId, sku: str, quantity: int) -> None:
    """Put `quantity` of `sku` in the cart (0 removes it). SKUs are validated against
    SKU_PATTERN before they get here, so one can never be a `$` operator or a dotted path."""
    if quantity == 0:
        await remove_item(db=db, user_id=user_id, sku=sku)
        return
    if not await products.find_sellable_variants(db=db, skus=[sku]):
        raise NotFound(f"SKU {sku} not found")
    items = await get_items(db=db, user_id=user_id)
    # A soft cap (two requests at once may pass it by one line each): it bounds a cart's
    # size, it guards no invariant.
    if sku not in items and len(items) >= MAX_CART_LINES:
        raise Conflict(f"A cart holds at most {MAX_CART_LINES} different items")
    await db[CARTS].update_one(
        {"_id": user_id},
        {"$set": {f"items.{sku}": quantity, "updated_at": utcnow()}},
        upsert=True,
    )


async def remove_item(*, db: Database, user_id: ObjectId, sku: str) -> None:
    await db[CARTS].update_one(
        {"_id": user_id}, {"$unset": {f"items.{sku}": ""}, "$set": {"updated_at": utcnow()}}
    )


async def clear(*, db: Database, user_id: ObjectId) -> None:
    await db[CARTS].delete_one({"_id": user_id})


async def remove_checked_out(*, db: Database, user_id: ObjectId, bought: dict[str, int]) -> None:
    """Take the lines an order was made from out of the cart; a line changed since the
    checkout read it (another tab) stays."""
    for sku, quantity in bought.items():
        query: dict[str, Any] = {"_id": user_id, f"items.{sku}": quantity}
        await db[CARTS].update_one(query, {"$unset": {f"items.{sku}": ""}})
