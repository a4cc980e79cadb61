"""The embedded engine's client and database: where each operation runs, and where it yields.

Each operation is one mongomock call made while holding its database's lock, so nothing else
touches the data during it. It runs right on the event loop (mongomock is pure Python holding
the GIL: a thread would add a hand-off per operation and no parallelism), then yields to the
loop once before returning, as a driver does while it waits for the server's reply. So two
requests interleave between their database calls the way they do against a real server, and
never inside one. The development snapshot is written on the engine's own thread; while it
holds the lock, operations queue behind it on that thread instead of blocking the loop.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, NoReturn, TypeVar

from backend_shared.embedded.collection import EmbeddedCollection
from backend_shared.embedded.engine import (
    PartitionedCollection,
    open_client,
    partitioned_collection,
)
from backend_shared.embedded.errors import unsupported
from backend_shared.embedded.snapshot import SnapshotFile

logger = logging.getLogger("backend_shared.embedded")

T = TypeVar("T")
Document = dict[str, Any]

# After a write, the snapshot is written this much later, so a burst of writes costs one.
SNAPSHOT_DELAY_SECONDS = 1.0


class EmbeddedDatabase:
    """Use it as a PyMongo `AsyncDatabase`."""

    def __init__(self, database: Any, executor: ThreadPoolExecutor) -> None:
        self._database = database
        self._executor = executor
        # Reentrant, so a step on the loop can take it without waiting, then run `_locked`.
        self._lock = threading.RLock()
        self._collections: dict[str, EmbeddedCollection] = {}
        self._snapshot: SnapshotFile | None = None
        self._dirty = False
        self._flush_timer: asyncio.TimerHandle | None = None
        self._flush_task: asyncio.Task[None] | None = None
        self._closing = False
        self.name: str = database.name

    def __getattr__(self, name: str) -> NoReturn:
        raise unsupported(f"Database.{name}")

    def __getitem__(self, name: str) -> EmbeddedCollection:
        collection = self._collections.get(name)
        if collection is None:
            collection = self._collections[name] = EmbeddedCollection(
                self._partitioned(name), read=self.read, write=self.write
            )
        return collection

    def get_collection(self, name: str, **options: Any) -> EmbeddedCollection:
        if options:
            raise unsupported(f"Database.get_collection options {sorted(options)}")
        return self[name]

    def _partitioned(self, name: str) -> PartitionedCollection:
        return partitioned_collection(self._database, name)

    async def command(self, command: str | Document, **kwargs: Any) -> Document:
        name = command if isinstance(command, str) else next(iter(command))
        if name == "ping":
            return {"ok": 1.0}
        raise unsupported(f"Database.command({name!r})")

    async def list_collection_names(self, **kwargs: Any) -> list[str]:
        names: list[str] = await self.read(self._database.list_collection_names, **kwargs)
        return names

    async def drop_collection(self, name: str) -> None:
        await self.write(self._database.drop_collection, name)

    # One step: under the lock, then one turn of the event loop.

    async def read(self, call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await self._step(call, args, kwargs)

    async def write(self, call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        try:
            return await self._step(call, args, kwargs)
        finally:
            self._written()

    async def _step(self, call: Callable[..., T], args: Any, kwargs: Any) -> T:
        try:
            if self._lock.acquire(blocking=False):
                try:
                    return self._locked(call, args, kwargs)
                finally:
                    self._lock.release()
            # The engine's thread holds the lock (a snapshot): wait in line there, not here.
            return await self._on_thread(call, args, kwargs)
        finally:
            # The reply's round trip: other coroutines run before this one goes on. Once
            # started, the operation is done even if the caller is cancelled here.
            await asyncio.sleep(0)

    async def _on_thread(self, call: Callable[..., T], args: Any, kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        locked = functools.partial(self._locked, call, args, kwargs)
        return await loop.run_in_executor(self._executor, locked)

    def _locked(self, call: Callable[..., T], args: Any, kwargs: Any) -> T:
        """Every operation and snapshot runs here (benches time the engine's work here)."""
        with self._lock:
            return call(*args, **kwargs)

    # The development snapshot: loaded once, written a moment after writes and on close.

    async def keep_in(self, snapshot: SnapshotFile) -> int:
        """Load `snapshot` (if it exists) and keep it up to date; returns documents loaded."""
        self._snapshot = snapshot
        restored: int = await self._on_thread(snapshot.load_into, (self._partitioned,), {})
        return restored

    def _written(self) -> None:
        if self._snapshot is None:
            return
        self._dirty = True
        if self._closing:
            return  # close() writes the last snapshot itself
        if self._flush_timer is None and self._flush_task is None:
            loop = asyncio.get_running_loop()
            self._flush_timer = loop.call_later(SNAPSHOT_DELAY_SECONDS, self._start_flush)

    def _start_flush(self) -> None:
        self._flush_timer = None
        self._flush_task = asyncio.get_running_loop().create_task(self._flush())

    async def _flush(self) -> None:
        saved = False
        try:
            saved = await self._save()
        finally:
            self._flush_task = None
            if saved and self._dirty:  # written to while saving; a failure waits for a write
                self._written()

    async def _save(self) -> bool:
        if self._snapshot is None:
            return False
        self._dirty = False
        try:
            await self._on_thread(self._snapshot.save_from, (self._database,), {})
        except Exception:
            self._dirty = True
            logger.exception("embedded database: could not write %s", self._snapshot.path)
            return False
        return True

    def save_now(self) -> bool:
        """Write the snapshot at once, blocking the calling thread: for a process about to
        stop without its shutdown (a test checkpoint before SIGKILL), standing in for a
        server that keeps every acknowledged write. False when there is no snapshot."""
        if self._snapshot is None:
            return False
        self._locked(self._snapshot.save_from, (self._database,), {})
        self._dirty = False
        return True

    async def close(self) -> None:
        self._closing = True
        if self._flush_timer is not None:
            self._flush_timer.cancel()
            self._flush_timer = None
        if self._flush_task is not None:
            await self._flush_task
        if self._dirty:
            await self._save()


class EmbeddedClient:
    """Use it as a PyMongo `AsyncMongoClient`: mongomock, with one thread for snapshots."""

    def __init__(self) -> None:
        self._client: Any = open_client()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="embedded-mongodb")
        self._databases: dict[str, EmbeddedDatabase] = {}

    def __getattr__(self, name: str) -> NoReturn:
        raise unsupported(f"MongoClient.{name}")

    def __getitem__(self, name: str) -> EmbeddedDatabase:
        database = self._databases.get(name)
        if database is None:
            database = self._databases[name] = EmbeddedDatabase(self._client[name], self._executor)
        return database

    def get_database(self, name: str) -> EmbeddedDatabase:
        return self[name]

    async def drop_database(self, name: str) -> None:
        await self[name].write(self._client.drop_database, name)

    async def close(self) -> None:
        for database in self._databases.values():
            await database.close()
        self._executor.shutdown(wait=False)
