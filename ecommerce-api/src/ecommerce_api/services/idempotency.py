"""Idempotency keys, in Stripe's sense: a request carrying a key the caller already used
gets the first request's answer instead of running again.

The unique index on (user_id, key) decides which request runs: each inserts an
"in progress" record, and exactly one insert succeeds. The others read the record:
- a different request body under the same key is a 422 (a client bug, never a replay);
- a finished record is replayed: same status, same body, `Idempotent-Replayed: true`;
- a record still in progress is waited for, so 20 retries sent at once all answer with the
  one order. Waiters in this process are woken by an event the moment the winner finishes;
  a waiter whose winner runs on another instance re-reads the record every
  `POLL_SECONDS`. After `wait_seconds` a waiter gives up with 409 and `Retry-After`.
A request that fails (409 out of stock, 422 bad coupon...) deletes its record, so the
client may fix the cause and retry with the same key. Records expire after 24 hours (a TTL
index; an expired record still present is treated as absent)."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bson import ObjectId
from pymongo.errors import DuplicateKeyError

from backend_shared.clock import utcnow
from backend_shared.db import Database
from backend_shared.errors import Conflict, Unprocessable
from ecommerce_api.services.collections import IDEMPOTENCY_KEYS, IDEMPOTENCY_TTL_SECONDS

IN_PROGRESS = "in_progress"
DONE = "done"
POLL_SECONDS = 0.05


@dataclass(frozen=True, slots=True)
class StoredResponse:
    status: int
    body: dict[str, Any]
    replayed: bool


class Waiters:
    """In-process wake-ups for requests waiting on a key another request holds."""

    def __init__(self) -> None:
        self._events: dict[tuple[ObjectId, str], asyncio.Event] = {}

    def event(self, user_id: ObjectId, key: str) -> asyncio.Event:
        return self._events.setdefault((user_id, key), asyncio.Event())

    def forget(self, user_id: ObjectId, key: str) -> None:
        """Drop the event of a key nobody is running (a replay, a refusal): at worst a
        request still waiting on it falls back to re-reading the record."""
        self._events.pop((user_id, key), None)

    def wake(self, user_id: ObjectId, key: str) -> None:
        event = self._events.pop((user_id, key), None)
        if event is not None:
            event.set()


def fingerprint(body: dict[str, Any]) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


async def _claim(*, db: Database, user_id: ObjectId, key: str, request_hash: str) -> bool:
    try:
        await db[IDEMPOTENCY_KEYS].insert_one(
            {
                "user_id": user_id,
                "key": key,
                "fingerprint": request_hash,
                "state": IN_PROGRESS,
                "created_at": utcnow(),
            }
        )
    except DuplicateKeyError:
        return False
    return True


async def run_once(
    *,
    db: Database,
    waiters: Waiters,
    user_id: ObjectId,
    key: str,
    body: dict[str, Any],
    wait_seconds: float,
    action: Callable[[], Awaitable[tuple[int, dict[str, Any]]]],
) -> StoredResponse:
    """Run `action` once per (user, key, body) and answer every request with its result."""
    request_hash = fingerprint(body)
    deadline = time.monotonic() + wait_seconds
    while True:
        # Listen before looking, so a winner finishing in between still wakes this request.
        woken = waiters.event(user_id, key)
        if await _claim(db=db, user_id=user_id, key=key, request_hash=request_hash):
            break
        record = await db[IDEMPOTENCY_KEYS].find_one({"user_id": user_id, "key": key})
        if record is None:
            continue  # the holder failed and let the key go: claim it again
        if record["created_at"] < utcnow() - timedelta(seconds=IDEMPOTENCY_TTL_SECONDS):
            await db[IDEMPOTENCY_KEYS].delete_one({"_id": record["_id"]})
            continue  # expired, waiting for the TTL monitor: a new request
        if record["fingerprint"] != request_hash:
            waiters.forget(user_id, key)
            raise Unprocessable(
                "This Idempotency-Key was used with a different request body",
                field="Idempotency-Key",
            )
        if record["state"] == DONE:
            waiters.forget(user_id, key)
            return StoredResponse(record["status"], record["body"], replayed=True)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise Conflict(
                "A request with this Idempotency-Key is still in progress; retry shortly",
                headers={"Retry-After": "1"},
            )
        # On a timeout the holder may be another instance: look at the record again.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(woken.wait(), timeout=min(POLL_SECONDS, remaining))

    try:
        status, response = await action()
    except Exception:
        # Failed: let the key go so the client can fix the cause and retry with it. (A
        # cancelled request keeps its record: whether its order exists is not known here,
        # so duplicates wait, then get 409, rather than risk a second order.)
        await db[IDEMPOTENCY_KEYS].delete_one({"user_id": user_id, "key": key})
        waiters.wake(user_id, key)
        raise
    await db[IDEMPOTENCY_KEYS].update_one(
        {"user_id": user_id, "key": key},
        {"$set": {"state": DONE, "status": status, "body": response}},
    )
    waiters.wake(user_id, key)
    return StoredResponse(status, response, replayed=False)
