"""The embedded engine's collection: the PyMongo async methods it supports, listed one by one.

Each method is one atomic step, like one operation on a server: it runs while holding the
database's lock (`EmbeddedDatabase`), so a single-document write (a conditional update,
`$inc`, an upsert, a unique-index check) is never split, while coroutines interleave between
steps exactly as they would between round trips to MongoDB. Anything not listed here raises
`UnsupportedOperation` instead of falling through to mongomock.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, NoReturn

from pymongo import ReturnDocument
from pymongo.results import (
    BulkWriteResult,
    DeleteResult,
    InsertManyResult,
    InsertOneResult,
    UpdateResult,
)

from backend_shared.embedded.cursor import FindCursor, FindQuery, ResultCursor
from backend_shared.embedded.errors import unsupported

Document = dict[str, Any]
Step = Callable[..., Awaitable[Any]]


class EmbeddedCollection:
    """Use it as a PyMongo `AsyncCollection`. `collection` is the engine's (mongomock)
    collection; `read` and `write` run one call on it as one step (`EmbeddedDatabase`)."""

    def __init__(self, collection: Any, read: Step, write: Step) -> None:
        self._collection = collection
        self._read = read
        self._write = write
        self.name: str = collection.name

    @property
    def full_name(self) -> str:
        return f"{self._collection.database.name}.{self.name}"

    def __getattr__(self, name: str) -> NoReturn:
        raise unsupported(f"Collection.{name}")

    # Reads

    def find(
        self, filter: Document | None = None, projection: Any = None, **options: Any
    ) -> FindCursor:
        query = FindQuery(
            filter=filter,
            projection=projection,
            sort=options.pop("sort", None),
            skip=options.pop("skip", 0),
            limit=options.pop("limit", 0),
            options=options,
        )
        return FindCursor(query, self._run_find)

    async def _run_find(self, query: FindQuery) -> list[Document]:
        page: list[Document] = await self._read(
            self._collection.page,
            query.filter,
            query.projection,
            sort=query.sort,
            skip=query.skip,
            limit=query.limit,
            **query.options,
        )
        return page

    async def find_one(self, filter: Any = None, *args: Any, **kwargs: Any) -> Document | None:
        found: Document | None = await self._read(
            self._collection.find_one, filter, *args, **kwargs
        )
        return found

    async def count_documents(self, filter: Document, **kwargs: Any) -> int:
        count: int = await self._read(self._collection.count_documents, filter, **kwargs)
        return count

    async def estimated_document_count(self, **kwargs: Any) -> int:
        count: int = await self._read(self._collection.estimated_document_count, **kwargs)
        return count

    async def distinct(self, key: str, filter: Document | None = None, **kwargs: Any) -> list[Any]:
        values: list[Any] = await self._read(self._collection.distinct, key, filter, **kwargs)
        return values

    async def aggregate(self, pipeline: Sequence[Document], **kwargs: Any) -> ResultCursor:
        def run() -> list[Document]:
            return list(self._collection.aggregate(list(pipeline), **kwargs))

        writes = any("$out" in stage or "$merge" in stage for stage in pipeline)
        return ResultCursor(await (self._write if writes else self._read)(run))

    async def list_indexes(self, **kwargs: Any) -> ResultCursor:
        def run() -> list[Document]:
            return list(self._collection.list_indexes(**kwargs))

        return ResultCursor(await self._read(run))

    async def index_information(self, **kwargs: Any) -> dict[str, Any]:
        info: dict[str, Any] = await self._read(self._collection.index_information, **kwargs)
        return info

    # Writes

    async def insert_one(self, document: Document, **kwargs: Any) -> InsertOneResult:
        result: InsertOneResult = await self._write(self._collection.insert_one, document, **kwargs)
        return result

    async def insert_many(self, documents: Sequence[Document], **kwargs: Any) -> InsertManyResult:
        result: InsertManyResult = await self._write(
            self._collection.insert_many, list(documents), **kwargs
        )
        return result

    async def update_one(self, filter: Document, update: Any, **kwargs: Any) -> UpdateResult:
        result: UpdateResult = await self._write(
            self._collection.update_one, filter, update, **kwargs
        )
        return result

    async def update_many(self, filter: Document, update: Any, **kwargs: Any) -> UpdateResult:
        result: UpdateResult = await self._write(
            self._collection.update_many, filter, update, **kwargs
        )
        return result

    async def replace_one(
        self, filter: Document, replacement: Document, **kwargs: Any
    ) -> UpdateResult:
        result: UpdateResult = await self._write(
            self._collection.replace_one, filter, replacement, **kwargs
        )
        return result

    async def find_one_and_update(
        self,
        filter: Document,
        update: Any,
        projection: Any = None,
        *,
        return_document: bool = ReturnDocument.BEFORE,
        **kwargs: Any,
    ) -> Document | None:
        found: Document | None = await self._write(
            self._collection.find_one_and_update,
            filter,
            update,
            projection,
            return_document=return_document,
            **kwargs,
        )
        return found

    async def find_one_and_replace(
        self,
        filter: Document,
        replacement: Document,
        projection: Any = None,
        *,
        return_document: bool = ReturnDocument.BEFORE,
        **kwargs: Any,
    ) -> Document | None:
        found: Document | None = await self._write(
            self._collection.find_one_and_replace,
            filter,
            replacement,
            projection,
            return_document=return_document,
            **kwargs,
        )
        return found

    async def find_one_and_delete(
        self,
        filter: Document,
        projection: Any = None,
        **kwargs: Any,
    ) -> Document | None:
        found: Document | None = await self._write(
            self._collection.find_one_and_delete, filter, projection, **kwargs
        )
        return found

    async def delete_one(self, filter: Document, **kwargs: Any) -> DeleteResult:
        result: DeleteResult = await self._write(self._collection.delete_one, filter, **kwargs)
        return result

    async def delete_many(self, filter: Document, **kwargs: Any) -> DeleteResult:
        result: DeleteResult = await self._write(self._collection.delete_many, filter, **kwargs)
        return result

    async def bulk_write(self, requests: Sequence[Any], **kwargs: Any) -> BulkWriteResult:
        result: BulkWriteResult = await self._write(
            self._collection.bulk_write, list(requests), **kwargs
        )
        return result

    # Indexes and the collection itself

    async def create_index(self, keys: Any, **kwargs: Any) -> str:
        name: str = await self._write(self._collection.create_index, keys, **kwargs)
        return name

    async def create_indexes(self, indexes: Sequence[Any], **kwargs: Any) -> list[str]:
        names: list[str] = await self._write(
            self._collection.create_indexes, list(indexes), **kwargs
        )
        return names

    async def drop_index(self, index_or_name: Any, **kwargs: Any) -> None:
        await self._write(self._collection.drop_index, index_or_name, **kwargs)

    async def drop(self, **kwargs: Any) -> None:
        await self._write(self._collection.drop, **kwargs)
