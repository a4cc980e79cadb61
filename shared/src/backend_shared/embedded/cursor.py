"""The embedded engine's cursors: what PyMongo's AsyncCursor and AsyncCommandCursor offer
the services, over results fetched in one locked step."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, NoReturn

from pymongo.errors import InvalidOperation

from backend_shared.embedded.errors import unsupported

Document = dict[str, Any]


class ResultCursor:
    """Results already fetched (an aggregation, a list of indexes): AsyncCommandCursor."""

    def __init__(self, documents: list[Document] | None = None) -> None:
        self._buffer = documents if documents is not None else []
        self._read = 0  # how many of the buffer's documents were handed out
        self._fetched = documents is not None

    async def _fill(self) -> None:
        self._fetched = True

    @property
    def alive(self) -> bool:
        return not self._fetched or self._read < len(self._buffer)

    async def to_list(self, length: int | None = None) -> list[Document]:
        """Up to `length` documents (all when None); the next call continues from there."""
        if length is not None and length < 1:
            raise ValueError("to_list() length must be greater than 0")
        await self._fill()
        end = len(self._buffer) if length is None else self._read + length
        taken = self._buffer[self._read : end]
        self._read += len(taken)
        return taken

    async def next(self) -> Document:
        await self._fill()
        if self._read >= len(self._buffer):
            raise StopAsyncIteration
        self._read += 1
        return self._buffer[self._read - 1]

    def __aiter__(self) -> ResultCursor:
        return self

    async def __anext__(self) -> Document:
        return await self.next()

    async def close(self) -> None:
        self._buffer, self._read, self._fetched = [], 0, True

    async def __aenter__(self) -> ResultCursor:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def __getattr__(self, name: str) -> NoReturn:
        raise unsupported(f"{type(self).__name__}.{name}")


@dataclass(slots=True)
class FindQuery:
    """Everything `find()` and the cursor's modifiers asked for, run as one step."""

    filter: Any
    projection: Any
    options: dict[str, Any] = field(default_factory=dict)
    sort: Any = None
    skip: int = 0
    limit: int = 0


class FindCursor(ResultCursor):
    """`find()`'s AsyncCursor: sort, skip and limit chain until the first read, which runs the
    whole query (sorted, sliced and copied) in one atomic step."""

    def __init__(self, query: FindQuery, run: Callable[[FindQuery], Awaitable[list[Document]]]):
        super().__init__()
        self._query = query
        self._run = run

    def _chain(self) -> None:
        if self._fetched:
            raise InvalidOperation("cannot set options after executing query")

    def sort(self, key_or_list: Any, direction: int | None = None) -> FindCursor:
        self._chain()
        self._query.sort = (
            [(key_or_list, direction or 1)] if isinstance(key_or_list, str) else key_or_list
        )
        return self

    def skip(self, skip: int) -> FindCursor:
        if not isinstance(skip, int):
            raise TypeError("skip must be an int")
        if skip < 0:
            raise ValueError("skip must be >= 0")
        self._chain()
        self._query.skip = skip
        return self

    def limit(self, limit: int) -> FindCursor:
        if not isinstance(limit, int):
            raise TypeError("limit must be an integer")
        self._chain()
        self._query.limit = limit
        return self

    async def _fill(self) -> None:
        if not self._fetched:
            self._fetched = True
            self._buffer = await self._run(self._query)
