"""Each PyMongo async method the embedded engine supports, against what PyMongo documents:
result types and counts, ReturnDocument, DuplicateKeyError, cursor modifiers, to_list(length).
Anything else fails loudly and names the adapter."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from bson import ObjectId
from pymongo import (
    ASCENDING,
    DESCENDING,
    DeleteOne,
    IndexModel,
    InsertOne,
    ReturnDocument,
    UpdateOne,
)
from pymongo.errors import BulkWriteError, DuplicateKeyError, InvalidOperation
from pymongo.results import (
    BulkWriteResult,
    DeleteResult,
    InsertManyResult,
    InsertOneResult,
    UpdateResult,
)

from backend_shared.db import Collection, MongoHandle, connect_mongo
from backend_shared.embedded import UnsupportedOperation


@pytest.fixture
async def mongo() -> AsyncIterator[MongoHandle]:
    handle = await connect_mongo(None, "api")
    yield handle
    await handle.close()


@pytest.fixture
async def numbers(mongo: MongoHandle) -> Collection:
    collection = mongo.db["numbers"]
    await collection.insert_many([{"n": n, "even": n % 2 == 0} for n in range(6)])
    return collection


async def test_insert_one_returns_the_id_and_sets_it_on_the_document(mongo: MongoHandle) -> None:
    doc = {"name": "ann", "at": datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)}
    result = await mongo.db["people"].insert_one(doc)
    assert isinstance(result, InsertOneResult)
    assert result.acknowledged
    assert isinstance(result.inserted_id, ObjectId)
    assert doc["_id"] == result.inserted_id
    stored = await mongo.db["people"].find_one({"_id": result.inserted_id})
    assert stored == doc  # dates come back timezone-aware, as with tz_aware=True


async def test_insert_many_keeps_order_and_stops_at_a_duplicate(mongo: MongoHandle) -> None:
    people = mongo.db["people"]
    result = await people.insert_many([{"_id": 1}, {"_id": 2}])
    assert isinstance(result, InsertManyResult)
    assert result.inserted_ids == [1, 2]
    with pytest.raises(BulkWriteError) as caught:
        await people.insert_many([{"_id": 3}, {"_id": 1}, {"_id": 4}])
    assert caught.value.details["nInserted"] == 1
    assert await people.distinct("_id") == [1, 2, 3]


async def test_find_one_filters_projects_and_sorts(numbers: Collection) -> None:
    assert await numbers.find_one({"n": 99}) is None
    found = await numbers.find_one({"even": True}, {"_id": 0, "n": 1}, sort=[("n", DESCENDING)])
    assert found == {"n": 4}


async def test_find_chains_sort_skip_limit_and_reads_in_pieces(numbers: Collection) -> None:
    cursor = numbers.find({}, {"_id": 0, "n": 1}).sort("n", DESCENDING).skip(1).limit(4)
    assert await cursor.to_list(3) == [{"n": 4}, {"n": 3}, {"n": 2}]
    assert await cursor.to_list(3) == [{"n": 1}]
    assert await cursor.to_list() == []
    keyword = numbers.find({"even": False}, sort=[("n", ASCENDING)], skip=1, limit=1)
    assert [doc["n"] for doc in await keyword.to_list()] == [3]


async def test_a_cursor_iterates_asynchronously_and_refuses_late_options(
    numbers: Collection,
) -> None:
    cursor = numbers.find({"n": {"$lt": 3}}).sort([("n", ASCENDING)])
    assert [doc["n"] async for doc in cursor] == [0, 1, 2]
    with pytest.raises(InvalidOperation):
        cursor.limit(1)
    with pytest.raises(ValueError, match="greater than 0"):
        await numbers.find({}).to_list(0)
    async with numbers.find({}).limit(1) as closing:
        assert len(await closing.to_list()) == 1


async def test_documents_read_are_copies(numbers: Collection) -> None:
    first = await numbers.find_one({"n": 0})
    assert first is not None
    first["n"] = 100
    assert await numbers.count_documents({"n": 100}) == 0


async def test_changing_a_document_read_or_written_leaves_the_stored_one_alone(
    mongo: MongoHandle,
) -> None:
    tasks = mongo.db["tasks"]
    await tasks.create_index([("owner", ASCENDING)])
    stored = {"owner": "ann", "tags": ["home"], "meta": {"seen": [1]}, "at": datetime(2026, 1, 1)}
    await tasks.insert_one(stored)
    expected = {
        "_id": stored["_id"],
        "owner": "ann",
        "tags": ["home"],
        "meta": {"seen": [1]},
        "at": datetime(2026, 1, 1, tzinfo=UTC),
    }
    stored["tags"].append("inserted")

    reads = [
        await tasks.find_one({"_id": stored["_id"]}),
        *(await tasks.find({"owner": "ann"}).to_list()),
        *(await tasks.find({"owner": "ann"}, {"tags": 1, "meta": 1}).to_list()),
        await tasks.find_one_and_update({"owner": "ann"}, {"$set": {"x": 1}}),
    ]
    for document in reads:
        assert document is not None
        document["tags"].append("changed")
        document["meta"]["seen"].append(2)
        document["meta"]["new"] = True

    assert await tasks.find_one({"owner": "ann"}, {"x": 0}) == expected


async def test_counting(numbers: Collection) -> None:
    assert await numbers.count_documents({"even": True}) == 3
    assert await numbers.count_documents({}, skip=2, limit=3) == 3
    assert await numbers.estimated_document_count() == 6
    assert sorted(await numbers.distinct("even")) == [False, True]


async def test_aggregate_returns_a_cursor(numbers: Collection) -> None:
    cursor = await numbers.aggregate(
        [{"$match": {"n": {"$gte": 2}}}, {"$group": {"_id": "$even", "total": {"$sum": "$n"}}}]
    )
    assert {row["_id"]: row["total"] async for row in cursor} == {True: 6, False: 8}


async def test_update_one_reports_matched_modified_and_upserted(numbers: Collection) -> None:
    changed = await numbers.update_one({"n": 1}, {"$set": {"label": "one"}})
    assert isinstance(changed, UpdateResult)
    assert (changed.matched_count, changed.modified_count, changed.upserted_id) == (1, 1, None)
    same = await numbers.update_one({"n": 1}, {"$set": {"label": "one"}})
    assert (same.matched_count, same.modified_count) == (1, 0)
    missing = await numbers.update_one({"n": 50}, {"$set": {"label": "x"}})
    assert (missing.matched_count, missing.modified_count) == (0, 0)
    upserted = await numbers.update_one({"n": 50}, {"$set": {"label": "x"}}, upsert=True)
    assert upserted.matched_count == 0
    assert isinstance(upserted.upserted_id, ObjectId)
    assert await numbers.find_one({"_id": upserted.upserted_id}, {"_id": 0}) == {
        "n": 50,
        "label": "x",
    }


async def test_update_many_and_replace_one(numbers: Collection) -> None:
    result = await numbers.update_many({"even": True}, {"$inc": {"n": 100}})
    assert (result.matched_count, result.modified_count) == (3, 3)
    assert await numbers.count_documents({"n": {"$gte": 100}}) == 3
    replaced = await numbers.replace_one({"n": 1}, {"n": 1, "replaced": True})
    assert (replaced.matched_count, replaced.modified_count) == (1, 1)
    assert await numbers.find_one({"n": 1}, {"_id": 0}) == {"n": 1, "replaced": True}


async def test_find_one_and_update_returns_before_or_after(numbers: Collection) -> None:
    before = await numbers.find_one_and_update({"n": 2}, {"$inc": {"n": 10}})
    assert before is not None
    assert before["n"] == 2
    after = await numbers.find_one_and_update(
        {"n": 12}, {"$inc": {"n": 10}}, return_document=ReturnDocument.AFTER
    )
    assert after is not None
    assert after["n"] == 22
    assert await numbers.find_one_and_update({"n": -1}, {"$set": {"x": 1}}) is None
    created = await numbers.find_one_and_update(
        {"n": -1}, {"$set": {"x": 1}}, upsert=True, return_document=ReturnDocument.AFTER
    )
    assert created is not None
    assert (created["n"], created["x"]) == (-1, 1)
    lowest_odd = await numbers.find_one_and_update(
        {"even": False},
        {"$set": {"picked": True}},
        projection={"_id": 0, "n": 1},
        sort=[("n", ASCENDING)],
        return_document=ReturnDocument.AFTER,
    )
    assert lowest_odd == {"n": 1}


async def test_find_one_and_replace_and_delete(numbers: Collection) -> None:
    old = await numbers.find_one_and_replace({"n": 3}, {"n": 33})
    assert old is not None
    assert old["n"] == 3
    assert await numbers.count_documents({"n": 33}) == 1
    deleted = await numbers.find_one_and_delete({"even": True}, sort=[("n", DESCENDING)])
    assert deleted is not None
    assert deleted["n"] == 4
    assert await numbers.count_documents({"n": 4}) == 0


async def test_delete_one_and_many_count_what_they_removed(numbers: Collection) -> None:
    one = await numbers.delete_one({"even": True})
    assert isinstance(one, DeleteResult)
    assert one.deleted_count == 1
    many = await numbers.delete_many({"even": True})
    assert many.deleted_count == 2
    assert (await numbers.delete_many({"even": True})).deleted_count == 0


async def test_bulk_write_counts_each_kind(numbers: Collection) -> None:
    result = await numbers.bulk_write(
        [
            InsertOne({"n": 10}),
            UpdateOne({"n": 0}, {"$set": {"zero": True}}),
            UpdateOne({"n": 77}, {"$set": {"n": 77}}, upsert=True),
            DeleteOne({"n": 5}),
        ]
    )
    assert isinstance(result, BulkWriteResult)
    assert (result.inserted_count, result.matched_count, result.modified_count) == (1, 1, 1)
    assert (result.upserted_count, result.deleted_count) == (1, 1)


async def test_unique_indexes_refuse_duplicates_on_insert_and_update(mongo: MongoHandle) -> None:
    users = mongo.db["users"]
    assert await users.create_index([("email", ASCENDING)], unique=True) == "email_1"
    await users.insert_many([{"email": "a@x.io"}, {"email": "b@x.io"}])
    with pytest.raises(DuplicateKeyError):
        await users.insert_one({"email": "a@x.io"})
    with pytest.raises(DuplicateKeyError):
        await users.update_one({"email": "b@x.io"}, {"$set": {"email": "a@x.io"}})
    assert await users.count_documents({"email": "b@x.io"}) == 1


async def test_indexes_are_listed_and_dropped(mongo: MongoHandle) -> None:
    items = mongo.db["items"]
    names = await items.create_indexes(
        [IndexModel([("sku", ASCENDING)], unique=True), IndexModel([("shelf", DESCENDING)])]
    )
    assert names == ["sku_1", "shelf_-1"]
    listed = await (await items.list_indexes()).to_list()
    assert [index["name"] for index in listed] == ["_id_", "sku_1", "shelf_-1"]
    assert (await items.index_information())["sku_1"]["unique"] is True
    await items.drop_index("sku_1")
    assert "sku_1" not in await items.index_information()


async def test_drop_removes_the_collection(numbers: Collection, mongo: MongoHandle) -> None:
    assert "numbers" in await mongo.db.list_collection_names()
    await numbers.drop()
    assert await numbers.count_documents({}) == 0
    assert "numbers" not in await mongo.db.list_collection_names()


async def test_what_is_not_listed_fails_loudly_and_names_the_adapter(mongo: MongoHandle) -> None:
    with pytest.raises(UnsupportedOperation, match=r"Collection\.watch .*backend_shared/embedded"):
        mongo.db["items"].watch()  # type: ignore[unused-coroutine]
    with pytest.raises(NotImplementedError, match=r"explain"):
        mongo.db["items"].find({}).explain()  # type: ignore[unused-coroutine]
    with pytest.raises(AttributeError, match=r"Database\.create_collection"):
        mongo.db.create_collection("x")  # type: ignore[unused-coroutine]
    with pytest.raises(NotImplementedError, match=r"dbStats"):
        await mongo.db.command("dbStats")


async def test_find_one_takes_an_id_and_collections_come_by_name(mongo: MongoHandle) -> None:
    items = mongo.db.get_collection("items")
    assert items.full_name == "api.items"
    inserted = await items.insert_one({"sku": "lamp"})
    found = await mongo.db["items"].find_one(inserted.inserted_id)
    assert found is not None
    assert found["sku"] == "lamp"
    await mongo.db.drop_collection("items")
    assert await mongo.db.list_collection_names() == []


async def test_other_coroutines_run_while_an_operation_is_awaited(mongo: MongoHandle) -> None:
    """Even a read that finds nothing lets other coroutines run before it returns, as a
    round trip to a server would: requests interleave between operations."""
    started = asyncio.Event()

    async def another_request() -> None:
        started.set()

    other = asyncio.create_task(another_request())
    await mongo.db["items"].find_one({})

    assert started.is_set()
    await other
