"""catalog's collections and their indexes, in one place."""

from __future__ import annotations

from pymongo import ASCENDING, DESCENDING

from backend_shared.db import Database

PRODUCTS = "products"
# One document per order catalog has seen: the reservation's state and its outbox.
RESERVATIONS = "reservations"


async def ensure_indexes(db: Database) -> None:
    await db[PRODUCTS].create_index([("sku", ASCENDING)], unique=True)
    await db[PRODUCTS].create_index([("created_at", DESCENDING), ("_id", DESCENDING)])
