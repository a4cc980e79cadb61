"""The rate limit as clients meet it: a budget per client address per minute, shared by
every gateway replica through Redis, that concurrent requests cannot overdraw."""

from __future__ import annotations

from typing import Any

from backend_shared.testing.concurrency import release_together
from backend_shared.testing.plugin import running_app
from gateway.config import Settings
from gateway.main import create_app
from gateway.ratelimit import FixedWindowLimiter


def limited(settings_values: dict[str, Any], limit: int) -> Any:
    # Syncs are made by the test, so what each replica knows is certain at every step.
    values = {**settings_values, "rate_limit_per_minute": limit, "rate_limit_sync_seconds": 10}
    return create_app(Settings(**values))


def limiter(app: Any) -> FixedWindowLimiter:
    return app.state.proxy.rate_limiter  # type: ignore[no-any-return]


async def test_two_replicas_share_one_budget(settings_values: dict[str, Any]) -> None:
    first, second = limited(settings_values, 5), limited(settings_values, 5)
    async with running_app(first) as one, running_app(second) as other:
        on_first = [(await one.get("/products")).status_code for _ in range(3)]
        await limiter(first).sync()
        on_second = [(await other.get("/products")).status_code for _ in range(2)]
        await limiter(second).sync()  # pushes its two, learns the first replica's three
        on_second.append((await other.get("/products")).status_code)
        # The first replica has not synced since: it lets one more through (the documented
        # overshoot, at most one sync interval's worth), then learns the total.
        on_first.append((await one.get("/products")).status_code)
        await limiter(first).sync()
        on_first.append((await one.get("/products")).status_code)

    assert on_first == [200, 200, 200, 200, 429]
    assert on_second == [200, 200, 429]


async def test_requests_released_together_cannot_overdraw_the_budget(
    settings_values: dict[str, Any],
) -> None:
    app = limited(settings_values, 10)
    async with running_app(app) as client:
        answers = await release_together([lambda: client.get("/products")] * 30)

    codes = [answer.status_code for answer in answers]
    assert codes.count(200) == 10
    assert codes.count(429) == 20
    assert all(int(a.headers["retry-after"]) > 0 for a in answers if a.status_code == 429)


async def test_a_replica_that_cannot_reach_redis_keeps_limiting_on_its_own(
    settings_values: dict[str, Any],
) -> None:
    app = limited(settings_values, 2)
    async with running_app(app) as client:
        await app.state.redis.client.aclose()
        app.state.proxy.rate_limiter.redis = _unreachable_redis()
        answers = [(await client.get("/products")).status_code for _ in range(3)]
        await _sync_fails(limiter(app))
        answers.append((await client.get("/products")).status_code)

    assert answers == [200, 200, 429, 429]


def _unreachable_redis() -> Any:
    from redis.asyncio import Redis

    from shop_platform.devservers import free_port

    return Redis(port=free_port(), socket_connect_timeout=0.5)


async def _sync_fails(rate_limiter: FixedWindowLimiter) -> None:
    from redis.exceptions import ConnectionError as RedisConnectionError

    try:
        await rate_limiter.sync()
    except RedisConnectionError:
        return
    raise AssertionError("sync reached a Redis that should be unreachable")
