"""What one page of a user's tasks costs on the embedded engine, as others' data grows.

It does the database work of crud-api's `GET /tasks`, with crud-api's indexes, while 500
other users own `--others` tasks in the same collection:

- **CPU per operation** (the first table): the three operations of one request, each timed
  alone as the process's CPU (event loop and any engine thread together) over `--calls`
  calls: the session check (`find_one` of the caller's account by `_id`), the page (the
  caller's newest 20 of 20 tasks: `find`, sort, skip, limit) and its `count_documents`.
- **A page's wall time** (the second table): page plus count, median of `--rounds`.
  `--engine mongomock` does this on plain mongomock, called directly as the engine did
  before it had partitions (every query tested every document).
- **A scan** (`--scan`): `count_documents` on an unindexed field over every task, five
  times, beside a coroutine that wakes every millisecond: the scan's time, the event
  loop's longest stall, and how long a `find_one` by `_id` issued during it takes.

    uv run --frozen python shared/bench/embedded_engine.py
    uv run --frozen python shared/bench/embedded_engine.py --engine mongomock
    uv run --frozen python shared/bench/embedded_engine.py --others 0 5000 50000
    uv run --frozen python shared/bench/embedded_engine.py --others 50000 --scan

To compare with another commit, run this file against that commit's engine:
`git worktree add /tmp/before <commit>`, then
`PYTHONPATH=/tmp/before/shared/src uv run --frozen python shared/bench/embedded_engine.py`.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import time
from collections.abc import Awaitable, Callable
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


def _users(count: int) -> list[dict[str, Any]]:
    """Accounts shaped like the shared accounts service's."""
    now = datetime.now(UTC)
    return [
        {
            "email": f"user{n}@example.com",
            "email_normalized": f"user{n}@example.com",
            "display_name": f"User {n}",
            "password_hash": "$argon2id$v=19$m=19456,t=2,p=1$" + "x" * 66,
            "roles": ["user"],
            "token_version": 0,
            "created_at": now,
            "updated_at": now,
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


async def _cpu_per_call(call: Callable[[], Awaitable[Any]], calls: int) -> float:
    """Microseconds of the process's CPU per call (the median of five runs)."""
    for _ in range(calls // 10):
        await call()  # warm up
    runs = []
    for _ in range(5):
        began = time.process_time()
        for _ in range(calls):
            await call()
        runs.append((time.process_time() - began) / calls)
    return statistics.median(runs) * 1e6


async def _operation_costs(others: int, calls: int) -> list[float]:
    """CPU per call of the session check, the page and the count (microseconds)."""
    handle = await connect_mongo(None, "bench")
    users, tasks = handle.db["users"], handle.db["tasks"]
    await users.create_index([("email_normalized", ASCENDING)], unique=True)
    for keys in INDEXES:
        await tasks.create_index(keys)
    me = (await users.insert_many(_users(OWNERS + 1))).inserted_ids[0]
    start = datetime.now(UTC)
    if others:
        await tasks.insert_many(_everyone_else(others, start))
    await tasks.insert_many(_tasks(me, MINE, start))

    async def session_check() -> None:
        assert await users.find_one({"_id": me}) is not None

    async def page() -> None:
        cursor = tasks.find({"owner_id": me}).sort(PAGE_SORT).skip(0).limit(20)
        assert len(await cursor.to_list(20)) == MINE

    async def count() -> None:
        assert await tasks.count_documents({"owner_id": me}) == MINE

    costs = [await _cpu_per_call(call, calls) for call in (session_check, page, count)]
    await handle.close()
    return costs


async def _scan_stalls(others: int) -> tuple[float, float, float]:
    """Median scan time, the loop's longest stall, median find_one during a scan (ms)."""
    handle = await connect_mongo(None, "bench")
    users, tasks = handle.db["users"], handle.db["tasks"]
    for keys in INDEXES:
        await tasks.create_index(keys)
    me = (await users.insert_one({"email": "me@example.com"})).inserted_id
    if others:
        await tasks.insert_many(_everyone_else(others, datetime.now(UTC)))
    stalls: list[float] = []
    running = True

    async def heartbeat() -> None:
        while running:
            began = time.perf_counter()
            await asyncio.sleep(0.001)
            stalls.append(time.perf_counter() - began - 0.001)

    async def look_up(due: float) -> float:
        await asyncio.sleep(due - time.perf_counter())
        assert await users.find_one({"_id": me}) is not None
        return time.perf_counter() - due

    beating = asyncio.create_task(heartbeat())
    scans, look_ups = [], []
    for _ in range(5):
        began = time.perf_counter()
        look_up_task = asyncio.create_task(look_up(began + 0.002))
        assert await tasks.count_documents({"status": "todo"}) == others
        scans.append(time.perf_counter() - began)
        look_ups.append(await look_up_task)
        await asyncio.sleep(0.05)
    running = False
    await beating
    await handle.close()
    return (
        statistics.median(scans) * 1000,
        max(stalls) * 1000,
        statistics.median(look_ups) * 1000,
    )


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
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--scan", action="store_true", help="also time an unindexed scan")
    args = parser.parse_args()
    logging.getLogger("backend_shared.db").setLevel(logging.ERROR)  # "data is lost on exit"
    if args.engine == "embedded":
        print(f"CPU per operation (µs, median of 5 runs of {args.calls} calls each)")
        print(
            f"{'others':>8} {'find_one _id':>13} {'page of 20':>11} {'count':>7} {'all three':>10}"
        )
        for others in args.others:
            costs = asyncio.run(_operation_costs(others, args.calls))
            print(
                f"{others:>8} {costs[0]:>13.0f} {costs[1]:>11.0f} {costs[2]:>7.0f}"
                f" {sum(costs):>10.0f}"
            )
        print()
    print(f"engine: {args.engine}; the caller owns {MINE} tasks; median of {args.rounds} pages")
    print(f"{'others':>8} {'find ms':>9} {'count ms':>9} {'page ms':>9}")
    for others in args.others:
        if args.engine == "embedded":
            find_ms, count_ms = asyncio.run(_time_embedded(others, args.rounds))
        else:
            find_ms, count_ms = _time_mongomock(others, args.rounds)
        print(f"{others:>8} {find_ms:>9.2f} {count_ms:>9.2f} {find_ms + count_ms:>9.2f}")
    if args.scan and args.engine == "embedded":
        print("\nan unindexed count over every task (ms; medians of 5, stall is the longest)")
        print(f"{'others':>8} {'scan':>6} {'loop stall':>11} {'find_one meanwhile':>19}")
        for others in args.others:
            scan_ms, stall_ms, look_up_ms = asyncio.run(_scan_stalls(others))
            print(f"{others:>8} {scan_ms:>6.0f} {stall_ms:>11.0f} {look_up_ms:>19.0f}")


if __name__ == "__main__":
    main()
