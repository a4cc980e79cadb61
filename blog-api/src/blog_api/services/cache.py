"""Cache-aside for anonymous reads, in Redis: one hash per scope, one field per variant.

A read is one `HGET` of the scope's hash; on a miss it reads the scope's version, loads from
MongoDB, and stores the body only if the version is still the one it read (a Lua script, so
the check and the store are one step). A write bumps the version of every scope it changes
and deletes the scope's hash, so the next read misses and sees the write; a slow reader that
loaded old data before the write finds the version moved and stores nothing.

Each stored body carries its expiry time (the TTL); the hash itself expires a TTL after its
last store, so the entries of a scope nobody reads any more go away.

Redis is an optimisation, never a dependency: any Redis error, or an answer slower than
`timeout_seconds`, bypasses the cache (and says so in the log) for `retry_seconds`, during
which reads go straight to MongoDB. Invalidations
that could not be sent are kept and sent before the cache is used again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
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

# KEYS: version, entries. ARGV: the version read before loading, variant, value, TTL.
_STORE_IF_CURRENT = """
if (redis.call('GET', KEYS[1]) or '0') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
redis.call('EXPIRE', KEYS[2], ARGV[4])
return 1
"""

# How many request shapes (path and query string) are remembered as a (scope, variant).
REMEMBERED_READS = 4096


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
        timeout_seconds: float = 0.5,
        namespace: str = "blog-api:cache",
    ) -> None:
        # Give `client` no socket timeout of its own: every call here runs under
        # `timeout_seconds` instead (asyncio.timeout; redis-py's socket timeout wraps each
        # send in asyncio.wait_for, a task per command on Python 3.11: a tenth of a HIT).
        self._client = client
        self._timeout_seconds = timeout_seconds
        self.ttl_seconds = ttl_seconds
        self._retry_seconds = retry_seconds
        self._namespace = namespace
        self._down_until: float | None = None
        self._pending: set[str] = set()
        self._in_flight: dict[str, asyncio.Task[CachedBody]] = {}
        self._store = client.register_script(_STORE_IF_CURRENT) if client is not None else None
        self._reads: OrderedDict[str, tuple[str, str]] = OrderedDict()

    def _version_key(self, scope: str) -> str:
        return f"{self._namespace}:version:{scope}"

    def _entries_key(self, scope: str) -> str:
        return f"{self._namespace}:entries:{scope}"

    # The request shapes already seen, so a HIT can be found before the route runs.

    def remember(self, request_key: str, scope: str, variant: str) -> None:
        """`request_key` (path and raw query string) reads `(scope, variant)`: a pure
        function of the request, learnt once from the route that validated it."""
        self._reads[request_key] = (scope, variant)
        self._reads.move_to_end(request_key)
        if len(self._reads) > REMEMBERED_READS:
            self._reads.popitem(last=False)

    def recall(self, request_key: str) -> tuple[str, str] | None:
        return self._reads.get(request_key)

    async def hit(self, scope: str, variant: str) -> bytes | None:
        """The stored body, or None: not stored, expired, or Redis not usable now."""
        client = self._client
        if client is None or not await self._usable():
            return None
        try:
            async with asyncio.timeout(self._timeout_seconds):
                stored = await client.hget(self._entries_key(scope), variant)
        except _UNAVAILABLE as exc:
            self._unavailable(exc)
            return None
        return _fresh_body(stored)

    async def read_through(
        self, scope: str, variant: str, load: Callable[[], Awaitable[bytes]]
    ) -> CachedBody:
        """The cached body for (`scope`, `variant`), or `load()`'s, stored for next time."""
        client = self._client
        if client is None or not await self._usable():
            return CachedBody(await load(), CacheStatus.BYPASS)
        try:
            async with asyncio.timeout(self._timeout_seconds):
                body = _fresh_body(await client.hget(self._entries_key(scope), variant))
        except _UNAVAILABLE as exc:
            self._unavailable(exc)
            return CachedBody(await load(), CacheStatus.BYPASS)
        if body is not None:
            return CachedBody(body, CacheStatus.HIT)
        return await self._once(
            f"{scope}\n{variant}", lambda: self._load_and_store(client, scope, variant, load)
        )

    async def _load_and_store(
        self, client: Redis, scope: str, variant: str, load: Callable[[], Awaitable[bytes]]
    ) -> CachedBody:
        try:
            # Read before loading: a write after this point moves it, and the store is off.
            async with asyncio.timeout(self._timeout_seconds):
                version = await client.get(self._version_key(scope))
        except _UNAVAILABLE as exc:
            self._unavailable(exc)
            return CachedBody(await load(), CacheStatus.BYPASS)
        body = await load()
        expires = int(time.time()) + self.ttl_seconds
        assert self._store is not None
        try:
            async with asyncio.timeout(self._timeout_seconds):
                await self._store(
                    keys=[self._version_key(scope), self._entries_key(scope)],
                    args=[_text(version), variant, b"%d\n" % expires + body, self.ttl_seconds],
                )
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
                async with (
                    asyncio.timeout(self._timeout_seconds),
                    self._client.pipeline(transaction=False) as pipe,
                ):
                    for scope in scopes:
                        pipe.incr(self._version_key(scope))
                        pipe.delete(self._entries_key(scope))
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


def _text(value: bytes | str | None) -> str:
    """A stored counter as Redis returns it (bytes, or str with decoding on), or "0"."""
    if value is None:
        return "0"
    return value.decode() if isinstance(value, bytes) else value


def _fresh_body(stored: bytes | str | None) -> bytes | None:
    """The body of a stored `b"<expires>\\n<body>"`, if it has not expired."""
    if stored is None:
        return None
    raw = stored.encode() if isinstance(stored, str) else stored
    expires, _, body = raw.partition(b"\n")
    return body if int(expires) > time.time() else None
