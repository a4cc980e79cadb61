"""One MongoDB connection per process: a real server through PyMongo's async API, or, when
`MONGODB_URL` is unset, an embedded in-memory engine behind the same API.

The embedded engine is mongomock wrapped by `_EmbeddedCollection` below, the one thin
adapter that makes it look like PyMongo async (awaitable methods, `find()` returning a
cursor with `to_list`, `aggregate()` awaited). Projects write PyMongo async code and never
branch on the engine; they avoid what mongomock lacks (transactions, `$text`).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any, cast

import mongomock
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
        await self.client.close()


async def connect_mongo(url: str | None, db_name: str) -> MongoHandle:
    if url:
        client: AsyncMongoClient[Document] = AsyncMongoClient(
            url, tz_aware=True, serverSelectionTimeoutMS=5000
        )
        logger.info("database: MongoDB server, database %r", db_name)
        return MongoHandle(client=client, db=client[db_name], engine="mongodb")
    embedded = _EmbeddedClient()
    logger.warning(
        "database: MONGODB_URL is not set, using the embedded in-memory engine "
        "(data is lost on restart); database %r",
        db_name,
    )
    return MongoHandle(client=embedded, db=cast(Database, embedded[db_name]), engine="embedded")


class _EmbeddedCursor:
    """The subset of PyMongo's AsyncCursor/AsyncCommandCursor that services use."""

    def __init__(self, cursor: Any) -> None:
        self._cursor = cursor

    def sort(self, *args: Any, **kwargs: Any) -> _EmbeddedCursor:
        self._cursor = self._cursor.sort(*args, **kwargs)
        return self

    def skip(self, count: int) -> _EmbeddedCursor:
        self._cursor = self._cursor.skip(count)
        return self

    def limit(self, count: int) -> _EmbeddedCursor:
        self._cursor = self._cursor.limit(count)
        return self

    async def to_list(self, length: int | None = None) -> list[Document]:
        items: Iterator[Document] = iter(self._cursor)
        if length is None:
            return list(items)
        return [item for _, item in zip(range(length), items, strict=False)]

    async def __aiter__(self) -> AsyncIterator[Document]:
        for item in self._cursor:
            yield item

    async def close(self) -> None:
        return None


def _awaitable(method: Callable[..., Any]) -> Callable[..., Any]:
    async def call(*args: Any, **kwargs: Any) -> Any:
        return method(*args, **kwargs)

    return call


class _EmbeddedCollection:
    def __init__(self, collection: Any) -> None:
        self._collection = collection
        self.name: str = collection.name

    def find(self, *args: Any, **kwargs: Any) -> _EmbeddedCursor:
        return _EmbeddedCursor(self._collection.find(*args, **kwargs))

    async def aggregate(self, pipeline: list[Document], **kwargs: Any) -> _EmbeddedCursor:
        return _EmbeddedCursor(self._collection.aggregate(pipeline, **kwargs))

    def __getattr__(self, name: str) -> Any:
        # insert_one, find_one, update_one, find_one_and_update, count_documents, ...
        attribute = getattr(self._collection, name)
        return _awaitable(attribute) if callable(attribute) else attribute


class _EmbeddedDatabase:
    def __init__(self, database: Any) -> None:
        self._database = database
        self.name: str = database.name

    def __getitem__(self, name: str) -> _EmbeddedCollection:
        return _EmbeddedCollection(self._database[name])

    def get_collection(self, name: str, **_: Any) -> _EmbeddedCollection:
        return self[name]

    async def command(self, command: str, *args: Any, **kwargs: Any) -> Document:
        if command == "ping":
            return {"ok": 1.0}
        result: Document = self._database.command(command, *args, **kwargs)
        return result

    async def list_collection_names(self) -> list[str]:
        names: list[str] = self._database.list_collection_names()
        return names


class _EmbeddedClient:
    def __init__(self) -> None:
        self._client: Any = mongomock.MongoClient(tz_aware=True)

    def __getitem__(self, name: str) -> _EmbeddedDatabase:
        return _EmbeddedDatabase(self._client[name])

    async def drop_database(self, name: str) -> None:
        self._client.drop_database(name)

    async def close(self) -> None:
        self._client.close()
