"""crud-api as the bench serves it: the real app, one uvicorn process, plus three bench-only
routes under `/__bench/` that the app itself never has.

- `POST /__bench/seed {"others": N}` inserts N tasks owned by 500 other users, straight into
  the tasks collection (the caller's own tasks go through `POST /tasks`).
- `GET /__bench/db` is the database time so far: on the embedded engine, the CPU its thread
  spent inside engine operations; on MongoDB (`MONGODB_URL`), the commands' round trips as
  PyMongo's command monitoring reports them.
- `PUT /__bench/session-check {"on": false}` skips the per-request session check: the
  account is made from the token alone instead of read (one `find_one` by `_id`) and
  checked, to measure what that check costs. (Swapped inside the accounts service, not with
  `dependency_overrides`, which FastAPI re-analyses on every request.)

    uv run --frozen python crud-api/bench/serve.py --port 8000
"""

from __future__ import annotations

import argparse
import functools
import os
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import uvicorn
from bson import ObjectId
from fastapi import APIRouter, Body, FastAPI
from pymongo import monitoring

from backend_shared.accounts import service as accounts_service
from crud_api.config import Settings
from crud_api.main import create_app

OWNERS = 500


class DatabaseClock:
    """Database time, summed: engine-thread CPU, or MongoDB command round trips."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.operations = 0
        self._lock = threading.Lock()

    def add(self, seconds: float) -> None:
        with self._lock:
            self.seconds += seconds
            self.operations += 1

    def time_embedded(self, db: Any) -> None:
        step = db._locked  # the one place every embedded operation runs (on its thread)
        if getattr(step, "_bench_timed", False):
            return

        @functools.wraps(step)
        def timed(*args: Any) -> Any:
            began = time.thread_time()
            try:
                return step(*args)
            finally:
                self.add(time.thread_time() - began)

        timed._bench_timed = True  # type: ignore[attr-defined]
        db._locked = timed


class CommandTimes(monitoring.CommandListener):
    def __init__(self, clock: DatabaseClock) -> None:
        self.clock = clock

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        pass

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        self.clock.add(event.duration_micros / 1e6)

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        self.clock.add(event.duration_micros / 1e6)


def _others_tasks(count: int) -> list[dict[str, Any]]:
    owners = [ObjectId() for _ in range(OWNERS)]
    start = datetime.now(UTC) - timedelta(days=30)
    return [
        {
            "owner_id": owners[n % OWNERS],
            "title": f"someone else's task {n}",
            "description": "something to do, described in a sentence or two",
            "status": "todo",
            "priority": "medium",
            "priority_rank": 1,
            "due_date": None,
            "tags": ["home", "weekly"],
            "created_at": start + timedelta(seconds=n),
            "updated_at": start + timedelta(seconds=n),
        }
        for n in range(count)
    ]


class SessionCheck:
    """Turns the accounts service's per-request read and check of the account on and off."""

    def __init__(self) -> None:
        self.get_user = accounts_service.get_user
        self.check_session = accounts_service.check_session

    def turn(self, on: bool) -> None:
        if on:
            accounts_service.get_user = self.get_user
            accounts_service.check_session = self.check_session
        else:
            accounts_service.get_user = _account_from_id
            accounts_service.check_session = _unchecked


async def _account_from_id(*, db: Any, user_id: ObjectId) -> dict[str, Any]:
    return {"_id": user_id, "roles": ["user"], "token_version": 0}


def _unchecked(*, account: dict[str, Any] | None, principal: Any) -> dict[str, Any]:
    assert account is not None
    return account


def bench_app(clock: DatabaseClock) -> FastAPI:
    app = create_app(Settings())
    session_check_switch = SessionCheck()
    router = APIRouter(prefix="/__bench", include_in_schema=False)

    @router.post("/seed")
    async def seed(others: int = Body(embed=True)) -> dict[str, int]:
        db = app.state.db
        if type(db).__name__ == "EmbeddedDatabase":
            clock.time_embedded(db)
        for offset in range(0, others, 5000):
            await db["tasks"].insert_many(_others_tasks(min(5000, others - offset)))
        return {"inserted": others}

    @router.get("/db")
    async def database_time() -> dict[str, float]:
        return {"seconds": clock.seconds, "operations": clock.operations}

    @router.put("/session-check")
    async def session_check(on: bool = Body(embed=True)) -> dict[str, bool]:
        session_check_switch.turn(on)
        return {"on": on}

    app.include_router(router)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description="crud-api with the bench's routes")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    clock = DatabaseClock()
    if os.environ.get("MONGODB_URL"):
        monitoring.register(CommandTimes(clock))
    # As `make run` and the image serve it: uvicorn's defaults (uvloop and httptools when
    # installed) and --no-proxy-headers (the app decides which X-Forwarded-For to believe).
    uvicorn.run(
        bench_app(clock),
        host="127.0.0.1",
        port=args.port,
        log_level="warning",
        proxy_headers=False,
    )


if __name__ == "__main__":
    main()
