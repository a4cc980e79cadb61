"""One MongoDB connection per process: a real server through PyMongo's async API, or, when
`MONGODB_URL` is unset, the embedded engine (`backend_shared.embedded`) behind the same API.

Projects write PyMongo async code and never branch on the engine. The embedded engine runs
each operation as one atomic step and yields to the event loop once, so requests interleave
between operations as they do on a server (docs/decisions/0006-embedded-engine-concurrency.md);
in development it can keep its data in a snapshot file across restarts.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

logger = logging.getLogger("backend_shared.db")

Document = dict[str, Any]
Database = AsyncDatabase[Document]
Collection = AsyncCollection[Document]


@dataclass(slots=True)
class MongoHandle:
    """The open client and the service's database; made by `connect_mongo`."""

    client: Any
    db: Database
    engine: str  # "mongodb" or "embedded"

    async def ping(self) -> None:
        await self.db.command("ping")

    async def drop(self) -> None:
        await self.client.drop_database(self.db.name)

    async def close(self) -> None:
        """Close the client; the embedded engine first writes its snapshot, if it keeps one."""
        await self.client.close()


async def connect_mongo(
    url: str | None, db_name: str, *, snapshot_dir: Path | None = None
) -> MongoHandle:
    """Connect to `url`, or start the embedded engine. With `snapshot_dir` (development),
    the embedded engine loads `<snapshot_dir>/<db_name>.bson` and keeps it up to date."""
    if url:
        client: AsyncMongoClient[Document] = AsyncMongoClient(
            url, tz_aware=True, serverSelectionTimeoutMS=5000
        )
        logger.info("database: MongoDB server, database %r", db_name)
        return MongoHandle(client=client, db=client[db_name], engine="mongodb")

    # Imported here: mongomock is needed only when no server is configured.
    from backend_shared.embedded import EmbeddedClient, SnapshotFile

    embedded = EmbeddedClient()
    database = embedded[db_name]
    if snapshot_dir is None:
        logger.warning(
            "database: MONGODB_URL is not set, using the embedded engine in memory "
            "(data is lost on exit); database %r",
            db_name,
        )
    else:
        snapshot = SnapshotFile(snapshot_dir / f"{db_name}.bson")
        restored = await database.keep_in(snapshot)
        logger.warning(
            "database: MONGODB_URL is not set, using the embedded engine; database %r is "
            "kept in %s across restarts (%d documents restored); `make clean-data` wipes it",
            db_name,
            snapshot.path,
            restored,
        )
    return MongoHandle(client=embedded, db=cast(Database, database), engine="embedded")
