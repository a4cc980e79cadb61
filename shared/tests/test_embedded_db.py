"""The embedded engine behaves like PyMongo async for what the services use."""

from __future__ import annotations

import pytest
from pymongo import ASCENDING, ReturnDocument
from pymongo.errors import DuplicateKeyError

from backend_shared.db import connect_mongo


async def test_crud_cursor_and_aggregate_look_like_pymongo_async() -> None:
    handle = await connect_mongo(None, "t")
    items = handle.db["items"]
    await items.insert_many([{"n": n, "even": n % 2 == 0} for n in range(5)])
    assert await items.count_documents({"even": True}) == 3
    page = await items.find({}).sort("n", -1).skip(1).limit(2).to_list(10)
    assert [doc["n"] for doc in page] == [3, 2]
    assert [doc["n"] async for doc in items.find({"n": {"$lt": 2}}).sort("n", ASCENDING)] == [0, 1]
    cursor = await items.aggregate([{"$group": {"_id": "$even", "total": {"$sum": "$n"}}}])
    totals = {doc["_id"]: doc["total"] for doc in await cursor.to_list(None)}
    assert totals == {True: 6, False: 4}
    updated = await items.find_one_and_update(
        {"n": 4}, {"$inc": {"n": 10}}, return_document=ReturnDocument.AFTER
    )
    assert updated is not None
    assert updated["n"] == 14
    await handle.ping()
    await handle.close()


async def test_unique_indexes_raise_pymongos_duplicate_key_error() -> None:
    handle = await connect_mongo(None, "t")
    await handle.db["users"].create_index([("email", ASCENDING)], unique=True)
    await handle.db["users"].insert_one({"email": "a@example.com"})
    with pytest.raises(DuplicateKeyError):
        await handle.db["users"].insert_one({"email": "a@example.com"})
    await handle.close()
