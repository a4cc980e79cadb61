"""Password guesses, counted before they are checked.

A guess is consumed from every counter it belongs to in one atomic step (a Lua script in
Redis, so every instance shares the count), and only then is the password verified: 41
parallel log-ins against a limit of 5 evaluate 5 and refuse 36. A correct password gives
its guess back, so only failures accumulate.

The counters (see `AccountSettings` and docs/learning/brute-force-and-lockout.md):
- account and client address: the tight limit; an attacker elsewhere never exhausts the
  owner's own budget;
- account, from any address: a higher ceiling against guessing spread over many addresses;
- client address, over every account: a ceiling against one address spraying accounts,
  high enough for an office behind one NAT.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

from backend_shared.errors import RateLimited, ServiceUnavailable

logger = logging.getLogger("backend_shared.auth.guesses")

# KEYS: the counters; ARGV: the window, then each counter's limit. Either every counter
# takes the guess or none does (and the longest wait among the full ones is returned).
_CONSUME = """
local wait = 0
for i, key in ipairs(KEYS) do
  local used = tonumber(redis.call('GET', key) or '0')
  if used >= tonumber(ARGV[i + 1]) then
    wait = math.max(wait, redis.call('PTTL', key))
  end
end
if wait > 0 then return wait end
for _, key in ipairs(KEYS) do
  if redis.call('INCR', key) == 1 then redis.call('PEXPIRE', key, ARGV[1]) end
end
return 0
"""

_REFUND = """
for _, key in ipairs(KEYS) do
  if tonumber(redis.call('GET', key) or '0') > 0 then redis.call('DECR', key) end
end
return 0
"""


@dataclass(frozen=True, slots=True)
class Counter:
    key: str
    limit: int


class GuessLimiter:
    """Atomic consume-then-refund counters: in Redis when there is one, else in memory."""

    def __init__(self, redis: Redis | None, *, namespace: str, window_seconds: int) -> None:
        self._redis = redis
        self._prefix = f"guesses:{namespace}:"
        self.window_seconds = window_seconds
        self._memory: dict[str, tuple[int, float]] = {}  # key -> (used, expires at)
        self._consume_script: Any = redis.register_script(_CONSUME) if redis else None
        self._refund_script: Any = redis.register_script(_REFUND) if redis else None

    async def consume(self, counters: list[Counter]) -> None:
        """Take one guess from every counter, or raise RateLimited and take none."""
        keys = [self._prefix + counter.key for counter in counters]
        limits = [counter.limit for counter in counters]
        if self._redis is None:
            wait_seconds = self._consume_in_memory(keys, limits)
        else:
            try:
                window_ms = self.window_seconds * 1000
                wait_ms = await self._consume_script(keys=keys, args=[window_ms, *limits])
            except RedisError as exc:
                # Fail closed: an uncounted guess is exactly what the limit exists to stop.
                logger.warning("password guesses cannot be counted, Redis is down: %s", exc)
                raise ServiceUnavailable("Log-in is briefly unavailable; try again") from None
            wait_seconds = int(wait_ms) / 1000
        if wait_seconds > 0:
            raise RateLimited(retry_after=max(1, round(wait_seconds + 0.5)))

    async def refund(self, counters: list[Counter]) -> None:
        """Give a guess back (it was right): only failures stay counted."""
        keys = [self._prefix + counter.key for counter in counters]
        if self._redis is None:
            for key in keys:
                used, expires_at = self._memory.get(key, (0, 0.0))
                if used > 0:
                    self._memory[key] = (used - 1, expires_at)
            return
        try:
            await self._refund_script(keys=keys, args=[])
        except RedisError as exc:  # a lost refund only makes the limit a little stricter
            logger.warning("could not refund a password guess: %s", exc)

    def _consume_in_memory(self, keys: list[str], limits: list[int]) -> float:
        # No await inside: on one event loop this runs as one atomic step.
        now = time.monotonic()
        for key in keys:
            if self._memory.get(key, (0, now))[1] <= now:
                self._memory.pop(key, None)
        waits = [
            self._memory[key][1] - now
            for key, limit in zip(keys, limits, strict=True)
            if key in self._memory and self._memory[key][0] >= limit
        ]
        if waits:
            return max(waits)
        for key in keys:
            used, expires_at = self._memory.get(key, (0, now + self.window_seconds))
            self._memory[key] = (used + 1, expires_at)
        return 0.0
