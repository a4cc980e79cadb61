"""Rate limits with the `limits` library: counted in Redis when there is one (so every
instance shares the count), in process memory otherwise."""

from __future__ import annotations

import math
import time

from limits import RateLimitItemPerSecond
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter

from backend_shared.errors import RateLimited


class RateLimiter:
    """Counts events per key in a moving window; `consume` raises RateLimited when full."""

    def __init__(self, redis_url: str | None, *, namespace: str) -> None:
        self.storage: Storage = (
            RedisStorage(
                f"async+{redis_url}", implementation="redispy", key_prefix=f"rl:{namespace}"
            )
            if redis_url
            else MemoryStorage()
        )
        self._limiter = MovingWindowRateLimiter(self.storage)

    async def consume(self, *, key: str, limit: int, window_seconds: int) -> None:
        """Record one event, raising RateLimited when it is one too many."""
        item = RateLimitItemPerSecond(limit, window_seconds)
        if not await self._limiter.hit(item, key):
            stats = await self._limiter.get_window_stats(item, key)
            raise RateLimited(retry_after=math.ceil(stats.reset_time - time.time()))
