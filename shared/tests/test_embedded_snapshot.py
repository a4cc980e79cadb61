"""In development the embedded engine keeps its data in a snapshot file, so a restart (or an
auto-reload) finds the accounts and documents it had; tests keep everything in memory."""

from __future__ import annotations

import asyncio
import logging
import re
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from bson import ObjectId
from pymongo import ASCENDING
from pymongo.errors import DuplicateKeyError

from backend_shared.db import connect_mongo
from backend_shared.embedded import EmbeddedClient, SnapshotFile
from backend_shared.embedded import client as embedded_client

SIGNED_UP = datetime(2026, 3, 4, 5, 6, 7, 89000, tzinfo=UTC)


def _absolute(path: Path) -> Path:
    return path.resolve()


def _files(directory: Path) -> dict[str, bytes]:
    """The files in `directory` (a moved-aside snapshot's time stamp shown as `*`)."""
    return {
        re.sub(r"unreadable-.*", "unreadable-*", path.name): path.read_bytes()
        for path in directory.iterdir()
    }


async def test_data_and_indexes_survive_a_restart(tmp_path: Path) -> None:
    first = await connect_mongo(None, "dev", snapshot_dir=tmp_path)
    users, sessions = first.db["users"], first.db["sessions"]
    await users.create_index([("email", ASCENDING)], unique=True)
    await sessions.create_index([("expires_at", ASCENDING)], expireAfterSeconds=3600)
    account = {"email": "ann@x.io", "created_at": SIGNED_UP, "roles": ["user"], "n": {"a": 1.5}}
    await users.insert_one(account)
    await first.db["tasks"].insert_one({"owner_id": account["_id"], "title": "keep me"})
    await first.close()

    again = await connect_mongo(None, "dev", snapshot_dir=tmp_path)
    assert await again.db["users"].find_one({"email": "ann@x.io"}) == account
    task = await again.db["tasks"].find_one({"owner_id": account["_id"]})
    assert task is not None
    assert isinstance(task["owner_id"], ObjectId)
    with pytest.raises(DuplicateKeyError):
        await again.db["users"].insert_one({"email": "ann@x.io"})
    ttl = (await again.db["sessions"].index_information())["expires_at_1"]
    assert ttl["expireAfterSeconds"] == 3600
    await again.close()


async def test_the_start_up_log_says_where_the_data_is_and_how_to_wipe_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="backend_shared.db"):
        handle = await connect_mongo(None, "dev", snapshot_dir=tmp_path)
    await handle.close()
    message = caplog.records[-1].getMessage()
    assert str(_absolute(tmp_path / "dev.bson")) in message
    assert "make clean-data" in message


class _SignallingSnapshot(SnapshotFile):
    """Sets `saved` on the event loop each time a snapshot reaches the disk."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.saved = asyncio.Event()
        self._loop = asyncio.get_running_loop()

    def save_from(self, database: Any) -> None:
        super().save_from(database)
        self._loop.call_soon_threadsafe(self.saved.set)


async def test_writes_reach_the_disk_soon_after_without_a_shutdown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(embedded_client, "SNAPSHOT_DELAY_SECONDS", 0.0)
    running = EmbeddedClient()
    snapshot = _SignallingSnapshot(tmp_path / "dev.bson")
    await running["dev"].keep_in(snapshot)
    await running["dev"]["users"].insert_one({"email": "ann@x.io"})

    await snapshot.saved.wait()  # as after a crash: the running client is never closed
    reader = EmbeddedClient()
    assert await reader["dev"].keep_in(SnapshotFile(tmp_path / "dev.bson")) == 1
    assert await reader["dev"]["users"].count_documents({"email": "ann@x.io"}) == 1
    await reader.close()
    await running.close()


async def test_save_now_writes_every_acknowledged_write_before_it_returns(
    tmp_path: Path,
) -> None:
    running = EmbeddedClient()
    await running["dev"].keep_in(SnapshotFile(tmp_path / "dev.bson"))
    await running["dev"]["users"].insert_many([{"email": "ann@x.io"}, {"email": "bo@x.io"}])

    assert running["dev"].save_now()  # no delay, no shutdown: as just before a SIGKILL
    reader = EmbeddedClient()
    assert await reader["dev"].keep_in(SnapshotFile(tmp_path / "dev.bson")) == 2
    await reader.close()
    await running.close()


async def test_save_now_without_a_snapshot_says_nothing_was_saved() -> None:
    client = EmbeddedClient()  # as in tests: everything in memory
    await client["dev"]["users"].insert_one({"email": "ann@x.io"})
    assert not client["dev"].save_now()
    await client.close()


class _HeldSnapshot(SnapshotFile):
    """Each save records the emails it writes, then waits for `finish` before writing."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.saving = threading.Event()
        self.finish = threading.Event()
        self.saved_emails: list[list[str]] = []

    def save_from(self, database: Any) -> None:
        self.saved_emails.append([user["email"] for user in database["users"].find()])
        self.saving.set()
        self.finish.wait(timeout=10)
        super().save_from(database)


async def test_a_write_during_a_snapshot_waits_for_it_while_other_requests_go_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(embedded_client, "SNAPSHOT_DELAY_SECONDS", 0.0)
    client = EmbeddedClient()
    users = client["dev"]["users"]
    snapshot = _HeldSnapshot(tmp_path / "dev.bson")
    await client["dev"].keep_in(snapshot)
    await users.insert_one({"email": "ann@x.io"})
    await asyncio.to_thread(snapshot.saving.wait, 10)  # the snapshot's thread holds the data

    bob = asyncio.create_task(users.insert_one({"email": "bob@x.io"}))
    for _ in range(20):
        await asyncio.sleep(0)  # the event loop keeps running other coroutines meanwhile
    assert not bob.done()

    snapshot.finish.set()
    await bob
    assert snapshot.saved_emails[0] == ["ann@x.io"]  # one consistent moment, before bob
    assert await users.count_documents({}) == 2
    await client.close()
    assert snapshot.saved_emails[-1] == ["ann@x.io", "bob@x.io"]


async def test_an_unreadable_snapshot_is_kept_aside_and_the_database_starts_empty(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "dev.bson").write_bytes(b"not bson at all")
    with caplog.at_level(logging.WARNING):
        handle = await connect_mongo(None, "dev", snapshot_dir=tmp_path)
    assert await handle.db["users"].count_documents({}) == 0
    await handle.close()
    assert _files(tmp_path) == {"dev.bson.unreadable-*": b"not bson at all"}
    assert any("could not read" in record.getMessage() for record in caplog.records)


async def test_without_a_snapshot_directory_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    handle = await connect_mongo(None, "test")
    await handle.db["users"].insert_one({"email": "ann@x.io"})
    await handle.close()
    assert _files(tmp_path) == {}
