"""Products and their stock: admin writes, public reads, stock adjustments that never take
`available` below zero (one conditional `$inc`)."""

from __future__ import annotations

import re
from typing import Any

from pymongo import DESCENDING, ReturnDocument
from pymongo.errors import DuplicateKeyError

from backend_shared.clock import utcnow
from backend_shared.db import Database
from backend_shared.errors import Conflict, NotFound, Unprocessable
from backend_shared.ids import parse_object_id
from backend_shared.pagination import PageParams
from catalog.models import AdjustmentIn, ProductCreate, ProductFilters, ProductUpdate
from catalog.services.store import PRODUCTS
from shop_contracts.events import Money
from shop_platform.paging import find_page

NEWEST_FIRST = [("created_at", DESCENDING), ("_id", DESCENDING)]


def _check_currency(price: Money | None, currency: str) -> None:
    if price is not None and price.currency != currency:
        raise Unprocessable(f"Prices are in the store currency, {currency}", field="price")


async def create_product(*, db: Database, data: ProductCreate, currency: str) -> dict[str, Any]:
    _check_currency(data.price, currency)
    now = utcnow()
    doc: dict[str, Any] = {
        "sku": data.sku,
        "name": data.name,
        "description": data.description,
        "price": data.price.model_dump(),
        "available": data.stock,
        "holds": {},
        "created_at": now,
        "updated_at": now,
    }
    try:
        result = await db[PRODUCTS].insert_one(doc)
    except DuplicateKeyError:
        raise Conflict("A product with this SKU already exists", field="sku") from None
    doc["_id"] = result.inserted_id
    return doc


async def get_product(*, db: Database, product_id: str) -> dict[str, Any]:
    object_id = parse_object_id(product_id)
    doc = await db[PRODUCTS].find_one({"_id": object_id}) if object_id else None
    if doc is None:
        raise NotFound("Product not found")
    return doc


async def list_products(
    *, db: Database, filters: ProductFilters, page: PageParams
) -> tuple[list[dict[str, Any]], int]:
    query: dict[str, Any] = {}
    if filters.q:
        query["name"] = {"$regex": re.escape(filters.q), "$options": "i"}
    if filters.sku:
        query["sku"] = {"$in": filters.sku}
    return await find_page(db[PRODUCTS], query, sort=NEWEST_FIRST, page=page)


async def update_product(
    *, db: Database, product_id: str, data: ProductUpdate, currency: str
) -> dict[str, Any]:
    _check_currency(data.price, currency)
    changes = data.model_dump(exclude_unset=True)
    product = await get_product(db=db, product_id=product_id)
    if not changes:
        return product
    updated = await db[PRODUCTS].find_one_and_update(
        {"_id": product["_id"]},
        {"$set": {**changes, "updated_at": utcnow()}},
        return_document=ReturnDocument.AFTER,
    )
    if updated is None:
        raise NotFound("Product not found")
    return updated


async def adjust_stock(*, db: Database, sku: str, data: AdjustmentIn) -> dict[str, Any]:
    """Add `delta` units; a removal larger than what is available is a 409 and changes
    nothing (held units belong to orders)."""
    query: dict[str, Any] = {"sku": sku}
    if data.delta < 0:
        query["available"] = {"$gte": -data.delta}
    updated = await db[PRODUCTS].find_one_and_update(
        query,
        {
            "$inc": {"available": data.delta},
            "$set": {"updated_at": utcnow()},
            "$push": {
                "adjustments": {
                    "$each": [{"delta": data.delta, "reason": data.reason, "at": utcnow()}],
                    "$slice": -100,
                }
            },
        },
        return_document=ReturnDocument.AFTER,
    )
    if updated is not None:
        return updated
    if await db[PRODUCTS].find_one({"sku": sku}, {"_id": 1}) is None:
        raise NotFound("No product has this SKU")
    raise Conflict("Fewer units are available than this adjustment removes", field="delta")


async def list_inventory(
    *, db: Database, page: PageParams, low_stock: int | None
) -> tuple[list[dict[str, Any]], int]:
    query: dict[str, Any] = {}
    if low_stock is not None:
        query["available"] = {"$lte": low_stock}
    return await find_page(db[PRODUCTS], query, sort=NEWEST_FIRST, page=page)
