"""On the embedded engine, concurrent requests interleave between database operations the way
they do on a MongoDB server: a check-then-act written in Python races, while the guards
MongoDB offers (a unique index, a conditional update) hold under the same load.

Every test starts its 50 callers, parks them, and releases them together. The naive versions
must misbehave here: if they ever stop misbehaving, the engine has stopped interleaving and
the projects' concurrency tests can no longer catch anything."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from pymongo import ASCENDING, ReturnDocument
from pymongo.errors import DuplicateKeyError

from backend_shared.db import Collection, MongoHandle, connect_mongo
from backend_shared.testing.concurrency import release_together

CALLERS = 50
STOCK = 10


@pytest.fixture
async def mongo() -> AsyncIterator[MongoHandle]:
    handle = await connect_mongo(None, "concurrency")
    yield handle
    await handle.close()


async def sign_up_unless_taken(users: Collection, email: str) -> bool:
    """The race every tutorial warns about: look, then insert if nobody was there."""
    if await users.find_one({"email": email}) is not None:
        return False
    await users.insert_one({"email": email})
    return True


async def sign_up_guarded(users: Collection, email: str) -> bool:
    try:
        await users.insert_one({"email": email})
    except DuplicateKeyError:
        return False
    return True


async def test_a_check_then_insert_lets_several_callers_in(mongo: MongoHandle) -> None:
    users = mongo.db["users"]

    created = await release_together([lambda: sign_up_unless_taken(users, "a@x.io")] * CALLERS)

    assert sum(created) > 1
    assert await users.count_documents({"email": "a@x.io"}) == sum(created)


async def test_a_unique_index_lets_exactly_one_caller_in(mongo: MongoHandle) -> None:
    users = mongo.db["users"]
    await users.create_index([("email", ASCENDING)], unique=True)

    created = await release_together([lambda: sign_up_guarded(users, "a@x.io")] * CALLERS)

    assert sum(created) == 1
    assert await users.count_documents({"email": "a@x.io"}) == 1


async def _stock_of(products: Collection, product_id: str) -> int:
    product = await products.find_one({"_id": product_id})
    assert product is not None
    stock: int = product["stock"]
    return stock


async def test_a_read_then_write_decrement_oversells(mongo: MongoHandle) -> None:
    products = mongo.db["products"]
    await products.insert_one({"_id": "lamp", "stock": STOCK})

    async def buy() -> bool:
        stock = await _stock_of(products, "lamp")
        if stock < 1:
            return False
        await products.update_one({"_id": "lamp"}, {"$set": {"stock": stock - 1}})
        return True

    sold = await release_together([buy] * CALLERS)

    assert sum(sold) > STOCK
    assert await _stock_of(products, "lamp") > 0  # and the counter no longer adds up


async def test_a_conditional_inc_sells_exactly_the_stock(mongo: MongoHandle) -> None:
    products = mongo.db["products"]
    await products.insert_one({"_id": "lamp", "stock": STOCK})

    async def buy() -> bool:
        result = await products.update_one(
            {"_id": "lamp", "stock": {"$gte": 1}}, {"$inc": {"stock": -1}}
        )
        return result.modified_count == 1

    sold = await release_together([buy] * CALLERS)

    assert sum(sold) == STOCK
    assert await _stock_of(products, "lamp") == 0


async def test_find_one_and_update_hands_each_unit_to_one_caller(mongo: MongoHandle) -> None:
    tickets = mongo.db["tickets"]
    await tickets.insert_many([{"seat": seat, "holder": None} for seat in range(STOCK)])
    callers = iter(range(CALLERS))

    async def claim() -> dict[str, Any] | None:
        caller = next(callers)
        return await tickets.find_one_and_update(
            {"holder": None},
            {"$set": {"holder": caller}},
            sort=[("seat", ASCENDING)],
            return_document=ReturnDocument.AFTER,
        )

    claimed = [ticket for ticket in await release_together([claim] * CALLERS) if ticket]

    assert sorted(ticket["seat"] for ticket in claimed) == list(range(STOCK))
    assert len({ticket["holder"] for ticket in claimed}) == STOCK


async def test_concurrent_upserts_on_a_unique_key_make_one_document(mongo: MongoHandle) -> None:
    carts = mongo.db["carts"]
    await carts.create_index([("owner", ASCENDING)], unique=True)

    async def add_item() -> Any:
        result = await carts.update_one(
            {"owner": "ann"}, {"$inc": {"items": 1}, "$setOnInsert": {"new": True}}, upsert=True
        )
        return result.upserted_id

    upserted = await release_together([add_item] * CALLERS)

    assert sum(1 for upserted_id in upserted if upserted_id is not None) == 1
    cart = await carts.find_one({"owner": "ann"})
    assert cart is not None
    assert cart["items"] == CALLERS
