"""orders' collections and their indexes, in one place."""

from __future__ import annotations

from pymongo import ASCENDING, DESCENDING

from backend_shared.db import Database

CARTS = "carts"  # one per customer, _id = the customer's id
ORDERS = "orders"


async def ensure_indexes(db: Database) -> None:
    # One order per (customer, Idempotency-Key): the index, not a lookup, decides.
    await db[ORDERS].create_index(
        [("user_id", ASCENDING), ("idempotency_key", ASCENDING)], unique=True
    )
    await db[ORDERS].create_index(
        [("user_id", ASCENDING), ("created_at", DESCENDING), ("_id", DESCENDING)]
    )
