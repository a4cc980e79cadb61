"""The collections and the indexes their queries and invariants need, in one place: the
data model at a glance. Every invariant that must survive concurrent requests is held by
the database (a unique index, a conditional update), never by "read, check, then write"."""

from __future__ import annotations

from pymongo import ASCENDING, DESCENDING

from backend_shared.accounts import service as accounts
from backend_shared.db import Database

USERS = accounts.USERS  # the shared accounts' collection; roles are read and set here
PRODUCTS = "products"
INVENTORY = "inventory"  # one document per SKU: on_hand, reserved, available
STOCK_MOVEMENTS = "stock_movements"  # the ledger: who moved which stock, why and when
CARTS = "carts"  # _id is the customer's id
COUPONS = "coupons"
IDEMPOTENCY_KEYS = "idempotency_keys"
ORDERS = "orders"
PAYMENT_INTENTS = "payment_intents"  # the fake provider's own records
WEBHOOK_EVENTS = "webhook_events"  # _id is the provider's event id: each processed once
AUDIT_LOG = "audit_log"

IDEMPOTENCY_TTL_SECONDS = 24 * 3600


async def ensure_indexes(db: Database) -> None:
    await db[PRODUCTS].create_index([("slug", ASCENDING)], unique=True)
    await db[PRODUCTS].create_index([("variants.sku", ASCENDING)])
    await db[PRODUCTS].create_index([("active", ASCENDING), ("created_at", DESCENDING)])
    await db[PRODUCTS].create_index([("active", ASCENDING), ("category", ASCENDING)])
    await db[PRODUCTS].create_index([("active", ASCENDING), ("price_min", ASCENDING)])
    # A SKU exists once, whichever product tried to claim it first.
    await db[INVENTORY].create_index([("sku", ASCENDING)], unique=True)
    await db[INVENTORY].create_index([("product_id", ASCENDING)])
    await db[INVENTORY].create_index([("available", ASCENDING)])
    await db[STOCK_MOVEMENTS].create_index([("sku", ASCENDING), ("at", DESCENDING)])
    await db[COUPONS].create_index([("code", ASCENDING)], unique=True)
    # One record per (customer, key): the insert that wins is the request that runs.
    await db[IDEMPOTENCY_KEYS].create_index(
        [("user_id", ASCENDING), ("key", ASCENDING)], unique=True
    )
    await db[IDEMPOTENCY_KEYS].create_index(
        [("created_at", ASCENDING)], expireAfterSeconds=IDEMPOTENCY_TTL_SECONDS
    )
    await db[ORDERS].create_index([("user_id", ASCENDING), ("created_at", DESCENDING)])
    await db[ORDERS].create_index([("status", ASCENDING), ("created_at", DESCENDING)])
    await db[ORDERS].create_index([("status", ASCENDING), ("expires_at", ASCENDING)])
    await db[ORDERS].create_index([("payment.intent_id", ASCENDING)], unique=True)
    await db[AUDIT_LOG].create_index([("at", DESCENDING)])
