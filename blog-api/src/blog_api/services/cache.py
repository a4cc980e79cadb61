"""Cache-aside for anonymous reads, in Redis, with a version key per scope.

A read looks up the scope's version, then the entry stored under that version; on a miss it
loads from MongoDB and stores the result with a TTL. A write bumps the version of every scope
it changes, so the next read misses and sees the write. Reading the version *before* loading
means a slow reader that loaded old data stores it under the old version, where no one looks.

Redis is an optimisation, never a dependency: any Redis error bypasses the cache (and says so
in the log) for `retry_seconds`, during which reads go straight to MongoDB. Invalidations
that could not be sent are kept and sent before the cache is used again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum

from redis.asyncio import Redis
from redis.exceptions import RedisError

logger = logging.getLogger("blog_api.cache")

# The scopes: every cached response belongs to exactly one.
TAGS = "tags"
ARTICLE_LISTS = "articles"


def article_scope(slug: str) -> str:
    return f"article:{slug}"


# Connection refused, reset, timed out: all mean "serve from MongoDB".
_UNAVAILABLE = (RedisError, OSError, asyncio.TimeoutError)


class CacheStatus(StrEnum):
    HIT = "HIT"
    MISS = "MISS"
    BYPASS = "BYPASS"  # no Redis configured, or Redis unreachable


@dataclass(frozen=True, slots=True)
class CachedBody:
    body: bytes
    status: CacheStatus


class ResponseCache:
    def __init__(
        self,
        client: Redis | None,
        *,
        ttl_seconds: int,
        retry_seconds: float,
        namespace: str = "blog-api:cache",
    ) -> None:
        self._client = client
        self.ttl_seconds = ttl_seconds
        self._retry_seconds = retry_seconds
        self._namespace = namespace
        self._down_until: float | None = None
        self._pending: set[str] = set()
        self._in_flight: dict[str, asyncio.Task[CachedBody]] = {}

    def _version_key(self, scope: str) -> str:
        return f"{self._namespace}:version:{scope}"

    async def read_through(
        self, scope: str, variant: str, load: Callable[[], Awaitable[bytes]]
    ) -> CachedBody:
        """The cached body for (`scope`, `variant`), or `load()`'s, stored for next time."""
        client = self._client
        if client is None or not await self._usable():
            return CachedBody(await load(), CacheStatus.BYPASS)
        try:
            version = int(await client.get(self._version_key(scope)) or 0)
        except _UNAVAILABLE as exc:
            self._unavailable(exc)
            return CachedBody(await load(), CacheStatus.BYPASS)
        key = f"{self._namespace}:{scope}:v{version}:{variant}"
        return await self._once(key, lambda: self._get_or_load(client, key, load))

    async def _get_or_load(
        self, client: Redis, key: str, load: Callable[[], Awaitable[bytes]]
    ) -> CachedBody:
        try:
            cached = await client.get(key)
        except _UNAVAILABLE as exc:
            self._unavailable(exc)
            return CachedBody(await load(), CacheStatus.BYPASS)
        if cached is not None:
            # The shared client does not decode responses: values come back as bytes.
            return CachedBody(
                bytes(cached, "utf-8") if isinstance(cached, str) else cached, CacheStatus.HIT
            )
        body = await load()
        try:
            await client.set(key, body, ex=self.ttl_seconds)
        except _UNAVAILABLE as exc:
            self._unavailable(exc)
        return CachedBody(body, CacheStatus.MISS)

    async def invalidate(self, *scopes: str) -> None:
        """Make the next read of each scope miss. Call it after the database write."""
        if self._client is None:
            return
        self._pending.update(scopes)
        await self._usable()  # sends the pending bumps now if Redis answers

    async def _usable(self) -> bool:
        """True when Redis may be used: configured, not in a back-off after an error, and
        every invalidation owed to it delivered (otherwise it may hold stale entries)."""
        if self._client is None:
            return False
        if self._down_until is not None and time.monotonic() < self._down_until:
            return False
        if self._pending:
            scopes = sorted(self._pending)
            try:
                async with self._client.pipeline(transaction=False) as pipe:
                    for scope in scopes:
                        pipe.incr(self._version_key(scope))
                    await pipe.execute()
            except _UNAVAILABLE as exc:
                self._unavailable(exc)
                return False
            self._pending.difference_update(scopes)
        if self._down_until is not None:
            self._down_until = None
            logger.info("cache: trying Redis again")
        return True

    def _unavailable(self, exc: BaseException) -> None:
        self._down_until = time.monotonic() + self._retry_seconds
        logger.warning(
            "cache bypassed: Redis is unreachable (%s: %s); serving from MongoDB, "
            "retrying in %.0f s",
            type(exc).__name__,
            exc,
            self._retry_seconds,
        )

    async def _once(self, key: str, look_up: Callable[[], Awaitable[CachedBody]]) -> CachedBody:
        """Concurrent reads of one key share one look-up: when a popular entry expires, a
        hundred readers make one query, not a hundred (no cache stampede). The look-up ends
        once the entry is stored, so a reader arriving after it finds the entry."""
        task = self._in_flight.get(key)
        if task is None:
            task = asyncio.ensure_future(look_up())
            self._in_flight[key] = task
            task.add_done_callback(lambda _: self._in_flight.pop(key, None))
        return await asyncio.shield(task)
