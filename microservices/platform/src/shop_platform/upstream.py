"""Calling another service over HTTP the careful way: a timeout on every call, a retry only
where repeating is harmless (GET is idempotent: asking twice for a price changes nothing;
a POST is never retried here), a short jittered pause between tries, and a circuit breaker
so a dead upstream costs nothing once it is known dead."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Mapping
from typing import Any

import httpx

from backend_shared.errors import ServiceUnavailable
from shop_platform.breaker import CircuitBreaker

logger = logging.getLogger("shop_platform.upstream")


class Upstream:
    def __init__(
        self,
        name: str,
        base_url: str,
        *,
        client: httpx.AsyncClient,
        breaker: CircuitBreaker,
        timeout_seconds: float = 2.0,
        retries: int = 1,
        backoff_seconds: float = 0.05,
    ) -> None:
        self.name = name
        self.base_url = base_url.rstrip("/")
        self.client = client
        self.breaker = breaker
        self.timeout_seconds = timeout_seconds
        self.retries = retries
        self.backoff_seconds = backoff_seconds

    async def get(
        self, path: str, *, params: Mapping[str, Any] | list[tuple[str, Any]] | None = None
    ) -> httpx.Response:
        """GET `path`: the response when the upstream answered below 500 (a 404 is an
        answer), ServiceUnavailable when it did not answer after the retries, at once
        when its breaker is open."""
        failure = "did not answer"
        for attempt in range(self.retries + 1):
            self.breaker.before_call()
            try:
                response = await self.client.get(
                    f"{self.base_url}{path}", params=params, timeout=self.timeout_seconds
                )
            except httpx.TimeoutException:
                failure = f"did not answer within {self.timeout_seconds:g} s"
            except httpx.TransportError as exc:
                failure = f"is unreachable ({type(exc).__name__})"
            else:
                if response.status_code < 500:
                    self.breaker.record_success()
                    return response
                failure = f"answered {response.status_code}"
            self.breaker.record_failure()
            logger.warning("%s %s (attempt %d)", self.name, failure, attempt + 1)
            if attempt < self.retries:
                # Jitter: callers that failed together do not retry together.
                pause = self.backoff_seconds * 2**attempt * random.uniform(0.5, 1.5)  # noqa: S311
                await asyncio.sleep(pause)
        raise ServiceUnavailable(
            f"{self.name} {failure}; retry shortly", headers={"Retry-After": "1"}
        )
