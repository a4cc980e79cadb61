"""The catalogue: products and their variants. Admins create, change and archive them;
customers see only active ones. Stock lives in services/inventory.py."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING
from pymongo.errors import DuplicateKeyError

from backend_shared.clock import utcnow
from backend_shared.db import Database
from backend_shared.errors import Conflict, NotFound, Unprocessable
from backend_shared.pagination import PageParams
from ecommerce_api.models.images import ImagePublic
from ecommerce_api.models.money import Money
from ecommerce_api.models.products import (
    CategoryPublic,
    ProductCreate,
    ProductDoc,
    ProductFilters,
    ProductPublic,
    ProductUpdate,
    StoredVariant,
    VariantPublic,
)
from ecommerce_api.paging import find_page
from ecommerce_api.services import audit, inventory
from ecommerce_api.services.collections import PRODUCTS

MEDIA_URL = "/media"
PUBLIC = {"active": True, "archived": False}
_SORTS = {
    "price": "price_min",
    "created_at": "created_at",
    "name": "name_key",
}
# A concurrent admin edit makes an optimistic update miss, and it is retried. Each miss
# means another edit succeeded in between, so with fewer than this many admins editing one
# product at the same moment every edit gets through.
_UPDATE_ATTEMPTS = 10


def _not_found() -> NotFound:
    return NotFound("Product not found")


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[:80] or "product"


def _check_currency(price: Money, currency: str, field: str) -> int:
    if price.currency != currency:
        raise Unprocessable(f"Prices are in the store currency, {currency}", field=field)
    return price.amount


def _derived(variants: list[StoredVariant], name: str, description: str) -> dict[str, Any]:
    """The denormalised fields filters and sorting use, from the fields they derive from."""
    prices = [variant.price for variant in variants]
    return {
        "variant_prices": prices,
        "price_min": min(prices),
        "name_key": name.casefold(),
        "search_text": f"{name}\n{description}",
    }


async def create_product(
    *, db: Database, admin_id: ObjectId, data: ProductCreate, currency: str
) -> ProductDoc:
    variants = [
        StoredVariant(
            sku=variant.sku,
            title=variant.title,
            price=_check_currency(variant.price, currency, "price"),
        )
        for variant in data.variants
    ]
    now = utcnow()
    product = ProductDoc(
        name=data.name,
        slug=slugify(data.name),
        description=data.description,
        category=data.category,
        variants=variants,
        created_at=now,
        updated_at=now,
        **_derived(variants, data.name, data.description),
    )
    # The counters first: the product appears only once its stock exists, and a SKU that
    # is taken stops the creation before anything is visible.
    await inventory.create_stock(
        db=db,
        product_id=product.id,
        stock={variant.sku: variant.stock for variant in data.variants},
        actor_id=admin_id,
    )
    try:
        await db[PRODUCTS].insert_one(product.to_mongo())
    except DuplicateKeyError:  # the slug is taken: the id makes it unique
        product.slug = f"{product.slug}-{str(product.id)[-6:]}"
        await db[PRODUCTS].insert_one(product.to_mongo())
    await audit.record(
        db=db,
        actor_id=admin_id,
        action="product.created",
        target_type="product",
        target_id=str(product.id),
        details={"name": product.name, "skus": [variant.sku for variant in variants]},
    )
    return product


async def get_product(*, db: Database, product_id: ObjectId, public: bool) -> ProductDoc:
    query: dict[str, Any] = {"_id": product_id, "archived": False}
    if public:
        query["active"] = True
    doc = await db[PRODUCTS].find_one(query)
    if doc is None:
        raise _not_found()
    return ProductDoc.from_mongo(doc)


async def _query(db: Database, filters: ProductFilters) -> dict[str, Any]:
    query: dict[str, Any] = dict(PUBLIC)
    if filters.q:
        # Escaped: the text is matched literally, never run as a pattern (no ReDoS).
        query["search_text"] = {"$regex": re.escape(filters.q), "$options": "i"}
    if filters.category is not None:
        query["category"] = filters.category
    price: dict[str, int] = {}
    if filters.min_price is not None:
        price["$gte"] = filters.min_price
    if filters.max_price is not None:
        price["$lte"] = filters.max_price
    if price:
        # Some variant's price is in the range.
        query["variant_prices"] = {"$elemMatch": price}
    if filters.in_stock:
        query["_id"] = {"$in": await inventory.in_stock_product_ids(db=db)}
    return query


async def list_products(
    *, db: Database, filters: ProductFilters, page: PageParams
) -> tuple[list[ProductDoc], int]:
    query = await _query(db, filters)
    field = _SORTS[filters.sort.value.lstrip("-")]
    direction = DESCENDING if filters.sort.value.startswith("-") else ASCENDING
    docs, total = await find_page(
        db[PRODUCTS], query, sort=[(field, direction), ("_id", direction)], page=page
    )
    return [ProductDoc.from_mongo(doc) for doc in docs], total


async def to_public(
    *, db: Database, products: list[ProductDoc], currency: str
) -> list[ProductPublic]:
    """Products as clients see them, with each variant's available stock (one query)."""
    skus = [variant.sku for product in products for variant in product.variants]
    available = await inventory.availability(db=db, skus=skus)
    return [
        ProductPublic(
            id=str(product.id),
            name=product.name,
            slug=product.slug,
            description=product.description,
            category=product.category,
            active=product.active,
            images=[
                ImagePublic.from_stored(image, media_url=MEDIA_URL) for image in product.images
            ],
            variants=[
                VariantPublic(
                    sku=variant.sku,
                    title=variant.title,
                    price=Money(amount=variant.price, currency=currency),
                    available=available.get(variant.sku, 0),
                )
                for variant in product.variants
            ],
            created_at=product.created_at,
            updated_at=product.updated_at,
        )
        for product in products
    ]


def _apply(product: ProductDoc, data: ProductUpdate, currency: str) -> dict[str, Any]:
    """The `$set` for `data` applied to `product`, or {} when nothing changes."""
    changes = data.model_dump(exclude_unset=True, exclude={"variants"})
    variants = [variant.model_copy() for variant in product.variants]
    by_sku = {variant.sku: variant for variant in variants}
    for update in data.variants or []:
        variant = by_sku.get(update.sku)
        if variant is None:
            raise Unprocessable(f"This product has no variant {update.sku}", field="variants")
        if update.title is not None:
            variant.title = update.title
        if update.price is not None:
            variant.price = _check_currency(update.price, currency, "price")
    if data.variants is not None:
        changes["variants"] = [variant.model_dump() for variant in variants]
    if not changes:
        return {}
    name = changes.get("name", product.name)
    description = changes.get("description", product.description)
    return {**changes, **_derived(variants, name, description), "updated_at": utcnow()}


async def update_product(
    *, db: Database, admin_id: ObjectId, product: ProductDoc, data: ProductUpdate, currency: str
) -> ProductDoc:
    """Optimistic concurrency: the write applies only if the product is still as it was
    read (same `version`), so two admins editing different variants at once cannot
    lose one another's change; the loser re-reads and tries again."""
    for _ in range(_UPDATE_ATTEMPTS):
        changes = _apply(product, data, currency)
        if not changes:
            return product
        result = await db[PRODUCTS].update_one(
            {"_id": product.id, "archived": False, "version": product.version},
            {"$set": changes, "$inc": {"version": 1}},
        )
        if result.modified_count == 1:
            await audit.record(
                db=db,
                actor_id=admin_id,
                action="product.updated",
                target_type="product",
                target_id=str(product.id),
                details=data.model_dump(mode="json", exclude_unset=True),
            )
            return await get_product(db=db, product_id=product.id, public=False)
        product = await get_product(db=db, product_id=product.id, public=False)
    raise Conflict("The product is being changed by someone else; try again")


async def archive_product(*, db: Database, admin_id: ObjectId, product: ProductDoc) -> None:
    """Hidden from the catalogue and from carts, but kept: orders still point at it."""
    result = await db[PRODUCTS].update_one(
        {"_id": product.id, "archived": False},
        {
            "$set": {"archived": True, "active": False, "updated_at": utcnow()},
            "$inc": {"version": 1},
        },
    )
    if result.modified_count == 0:
        raise _not_found()
    await audit.record(
        db=db,
        actor_id=admin_id,
        action="product.archived",
        target_type="product",
        target_id=str(product.id),
    )


async def list_categories(*, db: Database) -> list[CategoryPublic]:
    docs = await db[PRODUCTS].find(PUBLIC, {"category": 1, "_id": 0}).to_list(None)
    counts: dict[str, int] = {}
    for doc in docs:
        counts[doc["category"]] = counts.get(doc["category"], 0) + 1
    return [CategoryPublic(name=name, products=count) for name, count in sorted(counts.items())]


async def find_sellable_variants(
    *, db: Database, skus: list[str]
) -> dict[str, tuple[ProductDoc, StoredVariant]]:
    """The active product and variant for each SKU that can be bought now."""
    if not skus:
        return {}
    docs = await db[PRODUCTS].find({**PUBLIC, "variants.sku": {"$in": skus}}).to_list(None)
    wanted = set(skus)
    found: dict[str, tuple[ProductDoc, StoredVariant]] = {}
    for doc in docs:
        product = ProductDoc.from_mongo(doc)
        for variant in product.variants:
            if variant.sku in wanted:
                found[variant.sku] = (product, variant)
    return found
