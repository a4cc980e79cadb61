"""The rate limit as clients meet it: a budget per client address per minute, shared by
every gateway replica through Redis, that concurrent requests cannot overdraw."""

from __future__ import annotations

import secrets
import socket
from typing import Any

import pytest
from redis.asyncio import Redis
from redis.exceptions import RedisError

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


def hold_the_clock(*apps: Any) -> None:
    """Stop the apps' clock in the middle of a one-minute window of this test's own: the
    window cannot roll over mid-test, and no other test's counts share its Redis keys."""
    moment = (1_000_000 + secrets.randbelow(1_000_000)) * 60 + 30.0
    for app in apps:
        limiter(app).clock = lambda: moment


async def test_two_replicas_share_one_budget(settings_values: dict[str, Any]) -> None:
    first, second = limited(settings_values, 5), limited(settings_values, 5)
    async with running_app(first) as one, running_app(second) as other:
        hold_the_clock(first, second)
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
        hold_the_clock(app)
        answers = await release_together([lambda: client.get("/products")] * 30)

    codes = [answer.status_code for answer in answers]
    assert codes.count(200) == 10
    assert codes.count(429) == 20
    assert all(int(a.headers["retry-after"]) > 0 for a in answers if a.status_code == 429)


async def test_a_replica_that_cannot_reach_redis_keeps_limiting_on_its_own(
    settings_values: dict[str, Any],
) -> None:
    app = limited(settings_values, 2)
    # A port bound and never listened on: every connection is refused, and no other test's
    # server can take the port meanwhile.
    with socket.socket() as closed_port:
        closed_port.bind(("127.0.0.1", 0))
        async with running_app(app) as client:
            hold_the_clock(app)
            limiter(app).redis = Redis(port=closed_port.getsockname()[1], socket_connect_timeout=2)
            answers = [(await client.get("/products")).status_code for _ in range(3)]
            with pytest.raises(RedisError):
                await limiter(app).sync()
            answers.append((await client.get("/products")).status_code)

    assert answers == [200, 200, 429, 429]
