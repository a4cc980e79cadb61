"""What one page of a user's tasks costs on the embedded engine, as others' data grows.

It does the database work of crud-api's `GET /tasks`: the caller's newest 20 tasks, sorted,
plus their count, with crud-api's indexes, while other users own `--others` tasks in the same
collection. `--engine mongomock` does the same work on plain mongomock, called directly as
the engine did before it had partitions (every query tested every document).

    uv run --frozen python shared/bench/embedded_engine.py
    uv run --frozen python shared/bench/embedded_engine.py --engine mongomock
    uv run --frozen python shared/bench/embedded_engine.py --others 0 5000 50000
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import mongomock
from bson import ObjectId
from pymongo import ASCENDING, DESCENDING

from backend_shared.db import connect_mongo

MINE = 20
OWNERS = 500  # the others' tasks are spread over this many users
PAGE_SORT = [("created_at", DESCENDING), ("_id", DESCENDING)]
INDEXES = [
    [("owner_id", ASCENDING), ("created_at", DESCENDING)],
    [("owner_id", ASCENDING), ("due_date", ASCENDING)],
    [("owner_id", ASCENDING), ("tags", ASCENDING)],
]


def _tasks(owner_id: ObjectId, count: int, start: datetime) -> list[dict[str, Any]]:
    return [
        {
            "owner_id": owner_id,
            "title": f"task {n}",
            "description": "something to do, described in a sentence or two",
            "status": "todo",
            "priority": "medium",
            "priority_rank": 1,
            "tags": ["home", "weekly"],
            "due_date": None,
            "created_at": start + timedelta(seconds=n),
            "updated_at": start + timedelta(seconds=n),
        }
        for n in range(count)
    ]


def _everyone_else(others: int, start: datetime) -> list[dict[str, Any]]:
    owners = [ObjectId() for _ in range(OWNERS)]
    per_owner, extra = divmod(others, OWNERS)
    docs: list[dict[str, Any]] = []
    for index, owner in enumerate(owners):
        docs.extend(_tasks(owner, per_owner + (1 if index < extra else 0), start))
    return docs


async def _time_embedded(others: int, rounds: int) -> tuple[float, float]:
    handle = await connect_mongo(None, "bench")
    tasks = handle.db["tasks"]
    for keys in INDEXES:
        await tasks.create_index(keys)
    start = datetime.now(UTC)
    me = ObjectId()
    if others:
        await tasks.insert_many(_everyone_else(others, start))
    await tasks.insert_many(_tasks(me, MINE, start))
    finds, counts = [], []
    for _ in range(rounds):
        began = time.perf_counter()
        page = await tasks.find({"owner_id": me}).sort(PAGE_SORT).limit(20).to_list(20)
        found = time.perf_counter()
        total = await tasks.count_documents({"owner_id": me})
        counts.append(time.perf_counter() - found)
        finds.append(found - began)
        assert len(page) == MINE
        assert total == MINE
    await handle.close()
    return statistics.median(finds) * 1000, statistics.median(counts) * 1000


def _time_mongomock(others: int, rounds: int) -> tuple[float, float]:
    tasks = mongomock.MongoClient(tz_aware=True)["bench"]["tasks"]
    for keys in INDEXES:
        tasks.create_index(keys)
    start = datetime.now(UTC)
    me = ObjectId()
    if others:
        tasks.insert_many(_everyone_else(others, start))
    tasks.insert_many(_tasks(me, MINE, start))
    finds, counts = [], []
    for _ in range(rounds):
        began = time.perf_counter()
        page = list(tasks.find({"owner_id": me}).sort(PAGE_SORT).limit(20))
        found = time.perf_counter()
        total = tasks.count_documents({"owner_id": me})
        counts.append(time.perf_counter() - found)
        finds.append(found - began)
        assert len(page) == MINE
        assert total == MINE
    return statistics.median(finds) * 1000, statistics.median(counts) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=["embedded", "mongomock"], default="embedded")
    parser.add_argument("--others", type=int, nargs="+", default=[0, 50_000])
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    print(f"engine: {args.engine}; the caller owns {MINE} tasks; median of {args.rounds} pages")
    print(f"{'others':>8} {'find ms':>9} {'count ms':>9} {'page ms':>9}")
    for others in args.others:
        if args.engine == "embedded":
            find_ms, count_ms = asyncio.run(_time_embedded(others, args.rounds))
        else:
            find_ms, count_ms = _time_mongomock(others, args.rounds)
        print(f"{others:>8} {find_ms:>9.2f} {count_ms:>9.2f} {find_ms + count_ms:>9.2f}")


if __name__ == "__main__":
    main()
