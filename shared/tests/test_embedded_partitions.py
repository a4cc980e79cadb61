"""The partitions only narrow the search: every query returns exactly what plain mongomock
returns, in the same order, before and after writes that move documents between values. The
same holds where the engine takes shortcuts: an equality the partitions answer alone (no
document tested, a count read off the partition) and a sort by plain values."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import mongomock
import pytest
from bson import ObjectId
from pymongo import ASCENDING, DESCENDING
from pymongo.errors import DuplicateKeyError

from backend_shared.embedded.engine import (
    PartitionedCollection,
    open_client,
    partitioned_collection,
)

ANN, BOB, NOTED = ObjectId(), ObjectId(), ObjectId()
WHEN = datetime(2026, 5, 1, tzinfo=UTC)
OWNERS: list[Any] = [
    *[ANN, BOB, "ann", 1, 1.0, True, 0, None, WHEN, [ANN, "x"], {"id": 1}, [[ANN]]],
    *[[ANN, {"id": 1}], ["x", None], "ANN", ""],
]

QUERIES: list[dict[str, Any]] = [
    *({"owner": owner} for owner in OWNERS),
    {"owner": ObjectId()},
    {"owner": "x"},
    {"owner": "missing"},
    {"owner": {"$eq": ANN}},
    {"owner": {"$eq": "ann"}},
    {"owner": {"$eq": ANN, "$ne": BOB}},
    {"owner": {"$in": [ANN, "ann"]}},
    {"owner": {"$in": [ANN, None]}},
    {"owner": {"$ne": ANN}},
    {"owner": {"$exists": False}},
    {"owner": float("nan")},
    {"owner": ANN, "n": {"$gte": 3}},
    {"tags": "red"},
    {"tags": ["red", "blue"]},
    {"tags": {"$in": ["blue", "green"]}},
    {"$or": [{"owner": ANN}, {"owner": BOB}]},
    {"$or": [{"owner": ANN}, {"n": 4}]},
    {"$and": [{"owner": BOB}, {"tags": "red"}]},
    {"_id": 3},
    {"_id": "3"},
    {"_id": ObjectId()},
    {"_id": {"$in": [1, 5, 99]}},
    {"_id": 2, "owner": ANN},
    {"email": "c@x.io"},
    {"email": {"$eq": "u3@x.io"}},
    {"n": 1},
    {"label": "l1"},
    {"label": {"$eq": "l2"}},
    {"note": "a"},
    {"note": "b"},
    {"note": NOTED},
    {"note.x": "a"},
    {},
]

SORTS: list[list[tuple[str, int]]] = [
    [("n", DESCENDING)],
    [("at", DESCENDING), ("_id", DESCENDING)],
    [("at", ASCENDING), ("score", DESCENDING)],
    [("score", ASCENDING), ("email", DESCENDING)],
    [("owner", ASCENDING), ("_id", ASCENDING)],
    [("tags", ASCENDING)],
    [("label", DESCENDING)],
    [("$natural", DESCENDING)],
]


def _documents() -> list[dict[str, Any]]:
    docs = [
        {
            "_id": index,
            "owner": owner,
            "n": index % 5,
            "email": f"u{index}@x.io",
            "at": datetime(2026, 5, 1 + index % 3),
            "score": index % 4 if index % 2 else index / 4,
            "label": f"l{index % 4}" if index % 3 else index,
            "note": ["a", "b", NOTED] if index % 5 == 1 else ("a" if index % 2 else None),
        }
        for index, owner in enumerate(OWNERS * 2)
    ]
    docs.append({"_id": 100, "n": 1, "tags": ["red", "blue"], "email": "a@x.io"})
    docs.append({"_id": 101, "owner": BOB, "tags": ["red"], "email": "b@x.io"})
    docs.append({"_id": 102, "owner": ANN, "tags": [["red"]], "email": "c@x.io"})
    return docs


def _prepare(collection: Any) -> Any:
    collection.create_index([("owner", ASCENDING), ("n", DESCENDING)])
    collection.create_index([("tags", ASCENDING)])
    collection.create_index([("email", ASCENDING)], unique=True)
    collection.insert_many(_documents())
    return collection


@pytest.fixture
def pair() -> tuple[PartitionedCollection, Any]:
    ours = partitioned_collection(open_client()["db"], "items")
    reference = mongomock.MongoClient(tz_aware=True)["db"]["items"]
    return _prepare(ours), _prepare(reference)


def _assert_same(pair: tuple[PartitionedCollection, Any]) -> None:
    ours, reference = pair
    for query in QUERIES:
        assert ours.page(query) == list(reference.find(query)), query
        assert ours.count_documents(query) == reference.count_documents(query), query
        assert ours.find_one(query) == reference.find_one(query), query
    for query in ({}, {"owner": ANN}, {"owner": "x"}, {"n": {"$gte": 2}}):
        for sort in SORTS:
            expected = list(reference.find(query).sort(sort).skip(1).limit(4))
            assert ours.page(query, sort=sort, skip=1, limit=4) == expected, (query, sort)


def test_queries_match_mongomock(pair: tuple[PartitionedCollection, Any]) -> None:
    _assert_same(pair)


def test_queries_match_after_writes_move_documents(pair: tuple[PartitionedCollection, Any]) -> None:
    for collection in pair:
        collection.update_many({"owner": ANN}, {"$set": {"owner": BOB}})
        collection.update_one({"_id": 101}, {"$set": {"owner": ANN}, "$push": {"tags": "green"}})
        collection.replace_one({"_id": 3}, {"owner": "ann", "n": 9, "email": "r@x.io"})
        collection.find_one_and_update({"owner": BOB}, {"$set": {"owner": "moved"}})
        collection.update_one({"_id": 300, "owner": "new"}, {"$set": {"n": 7}}, upsert=True)
        collection.delete_many({"owner": True})
        collection.insert_one({"_id": 200, "owner": ANN, "email": "again@x.io"})
    _assert_same(pair)


def test_a_refused_update_leaves_the_document_where_it_was(
    pair: tuple[PartitionedCollection, Any],
) -> None:
    for collection in pair:
        with pytest.raises(DuplicateKeyError):
            collection.update_one({"_id": 101}, {"$set": {"email": "a@x.io", "owner": ANN}})
    _assert_same(pair)
    ours, _ = pair
    assert ours.page({"email": "b@x.io"}, {"_id": 1}) == [{"_id": 101}]


def test_dropping_an_index_or_the_collection_keeps_answers_right(
    pair: tuple[PartitionedCollection, Any],
) -> None:
    for collection in pair:
        collection.drop_index("owner_1_n_-1")
    _assert_same(pair)
    for collection in pair:
        collection.drop()
        collection.insert_one({"_id": 1, "owner": ANN, "email": "z@x.io"})
    _assert_same(pair)


def test_expired_documents_are_gone_from_every_answer() -> None:
    sessions = partitioned_collection(open_client()["db"], "sessions")
    sessions.create_index([("owner", ASCENDING)])
    sessions.create_index([("expires_at", ASCENDING)], expireAfterSeconds=0)
    now = datetime.now(UTC)
    sessions.insert_many(
        [
            {"_id": "gone", "owner": "ann", "expires_at": now - timedelta(minutes=1)},
            {"_id": "kept", "owner": "ann", "expires_at": now + timedelta(hours=1)},
        ]
    )
    assert [doc["_id"] for doc in sessions.page({"owner": "ann"})] == ["kept"]
    assert sessions.count_documents({"owner": "ann"}) == 1
    assert sessions.find_one({"_id": "gone"}) is None
