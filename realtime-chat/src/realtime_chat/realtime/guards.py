"""What one client may cost the server: events it may have waiting for an ack, joins per
connection, and messages per user (the flood limit, counted in Redis across instances).

Each refusal is a `rate_limited` ack with `retry_after`. A burst never reaches Redis as a
burst: a connection's excess events are refused before any handler runs, a user's excess
messages are refused by a local tally before the shared count is asked, and the flood
checks that do go to Redis take turns on a few of the limiter's connections, so log-ins
(which count their guesses with the same limiter) always find one free. If Redis fails,
the event is refused with `unavailable` (fail closed), not reported as a server error."""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections import deque
from typing import Any

from redis.exceptions import RedisError

from backend_shared.errors import AppError, RateLimited
from backend_shared.ratelimit import RateLimiter
from realtime_chat.realtime.acks import Ack, Handler

logger = logging.getLogger("realtime_chat.guards")


class Unavailable(AppError):
    """A dependency (Redis) failed or is saturated: the client may retry shortly."""

    status, code = 503, "unavailable"


def redis_unavailable(exc: Exception) -> Unavailable:
    logger.warning("Redis failed during an event: %s: %s", type(exc).__name__, exc)
    return Unavailable("The server cannot reach its Redis right now; retry in a few seconds")


class LocalWindow:
    """At most `limit` events per key in a moving window, counted in this process."""

    def __init__(self, *, limit: int, window_seconds: float) -> None:
        self.limit = limit
        self.window_seconds = window_seconds
        self._events: dict[str, deque[float]] = {}
        self._next_sweep = 0.0

    def reserve(self, key: str) -> float:
        """Count one event for `key` and return its stamp; RateLimited if it is one too many."""
        now = time.monotonic()
        self._sweep(now)
        events = self._events.setdefault(key, deque())
        while events and events[0] <= now - self.window_seconds:
            events.popleft()
        if len(events) >= self.limit:
            raise RateLimited(math.ceil(events[0] + self.window_seconds - now))
        events.append(now)
        return now

    def release(self, key: str, stamp: float) -> None:
        """Uncount an event that did not happen after all."""
        events = self._events.get(key)
        if events is not None and stamp in events:
            events.remove(stamp)

    def _sweep(self, now: float) -> None:
        if now < self._next_sweep:
            return
        self._next_sweep = now + self.window_seconds
        cutoff = now - self.window_seconds
        for key in [k for k, events in self._events.items() if not events or events[-1] <= cutoff]:
            del self._events[key]


class FloodControl:
    """At most `limit` messages per user in the window, on all instances together."""

    def __init__(
        self,
        limiter: RateLimiter,
        *,
        limit: int,
        window_seconds: int,
        redis_concurrency: int,
        redis_wait_seconds: float,
    ) -> None:
        self.limit = limit
        self.window_seconds = window_seconds
        self._limiter = limiter
        # Never more than `limit` of a user's messages on their way to Redis or counted
        # there from this instance: the rest are refused without a round trip.
        self._tally = LocalWindow(limit=limit, window_seconds=window_seconds)
        self._redis_turns = asyncio.Semaphore(redis_concurrency)
        self._redis_wait_seconds = redis_wait_seconds

    def _refusal(self, retry_after: int) -> RateLimited:
        return RateLimited(
            retry_after,
            f"Slow down: at most {self.limit} messages in {self.window_seconds} seconds; "
            f"retry in {max(1, retry_after)} s",
        )

    async def consume(self, user_id: str) -> None:
        """Count one message by `user_id`; RateLimited (or Unavailable) refuses it."""
        try:
            stamp = self._tally.reserve(user_id)
        except RateLimited as exc:
            raise self._refusal(exc.retry_after) from None
        try:
            await self._consume_shared(user_id)
        except BaseException:
            self._tally.release(user_id, stamp)
            raise

    async def _consume_shared(self, user_id: str) -> None:
        try:
            async with asyncio.timeout(self._redis_wait_seconds):
                await self._redis_turns.acquire()
        except TimeoutError:
            raise Unavailable("The server is busy; retry in a few seconds") from None
        try:
            await self._limiter.consume(
                key=f"flood:{user_id}", limit=self.limit, window_seconds=self.window_seconds
            )
        except RateLimited as exc:
            raise self._refusal(exc.retry_after) from None
        except RedisError as exc:
            raise redis_unavailable(exc) from None
        finally:
            self._redis_turns.release()


class JoinLimit:
    """At most `limit` joins per connection in the window: each join that brings a user
    online is announced to the room, so join/leave in a loop would flood it."""

    def __init__(self, *, limit: int, window_seconds: int) -> None:
        self.limit = limit
        self.window_seconds = window_seconds
        self._window = LocalWindow(limit=limit, window_seconds=window_seconds)

    def consume(self, sid: str) -> None:
        try:
            self._window.reserve(sid)
        except RateLimited as exc:
            raise RateLimited(
                exc.retry_after,
                f"Slow down: at most {self.limit} joins in {self.window_seconds} seconds "
                f"per connection; retry in {exc.retry_after} s",
            ) from None


class PendingEvents:
    """At most `limit` events per connection being handled at once; the excess is refused
    before its handler runs, so one connection cannot queue work without bound."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._pending: dict[str, int] = {}

    def guard(self, handler: Handler) -> Handler:
        async def guarded(sid: str, payload: Any) -> Ack:
            pending = self._pending.get(sid, 0)
            if pending >= self.limit:
                raise RateLimited(
                    1,
                    f"Slow down: at most {self.limit} events may wait for their ack "
                    "on one connection; retry in 1 s",
                )
            self._pending[sid] = pending + 1
            try:
                return await handler(sid, payload)
            except RedisError as exc:
                raise redis_unavailable(exc) from None
            finally:
                left = self._pending[sid] - 1
                if left:
                    self._pending[sid] = left
                else:
                    del self._pending[sid]

        return guarded
