"""The gateway's rate limit: a fixed one-minute window per client address, counted in Redis
(every gateway replica shares the count) with one round trip per request (INCR and
EXPIRE in one pipeline). It sits in front of every request, so it must be cheap: the
shared moving-window limiter is exact at the edges of a window but costs a script and a
sorted structure per call, more than the gateway's whole hop. The price of the fixed
window: a client can send up to twice the limit across a window boundary."""

from __future__ import annotations

import time

from redis.asyncio import Redis

from backend_shared.errors import RateLimited

WINDOW_SECONDS = 60


class FixedWindowLimiter:
    def __init__(self, redis: Redis, *, limit: int, namespace: str = "gateway") -> None:
        self.redis = redis
        self.limit = limit
        self.namespace = namespace

    async def consume(self, client: str) -> None:
        """Count one request for `client`; RateLimited once the window's limit is spent."""
        window = int(time.time()) // WINDOW_SECONDS
        key = f"rl:{self.namespace}:{client}:{window}"
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.incr(key)
            pipe.expire(key, WINDOW_SECONDS * 2, nx=True)
            count, _ = await pipe.execute()
        if count > self.limit:
            retry_after = WINDOW_SECONDS - int(time.time()) % WINDOW_SECONDS
            raise RateLimited(retry_after=retry_after)
