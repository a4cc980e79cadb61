"""`/ready` for the gateway: its Redis, and each upstream's `/health` and breaker."""

from __future__ import annotations

import asyncio
from typing import Literal

import httpx
from pydantic import BaseModel

from backend_shared.redis import RedisHandle
from shop_platform.breaker import CircuitBreaker

CHECK_TIMEOUT_SECONDS = 1.0

Check = Literal["ok", "down"]


class UpstreamCheck(BaseModel):
    status: Check
    breaker: Literal["closed", "open", "half_open"]


class GatewayReadiness(BaseModel):
    # ready: everything answers; degraded: some upstream does not (its routes fail, the
    # others work); unavailable: Redis or every upstream is down.
    status: Literal["ready", "degraded", "unavailable"]
    redis: Check
    upstreams: dict[str, UpstreamCheck]


async def _probe(client: httpx.AsyncClient, url: str) -> Check:
    try:
        response = await client.get(f"{url}/health", timeout=CHECK_TIMEOUT_SECONDS)
    except httpx.HTTPError:
        return "down"
    return "ok" if response.status_code == 200 else "down"


async def _redis(redis: RedisHandle | None) -> Check:
    if redis is None:
        return "down"
    try:
        await asyncio.wait_for(redis.ping(), CHECK_TIMEOUT_SECONDS)
    except Exception:  # any failure means "not ready"
        return "down"
    return "ok"


async def readiness(
    *,
    client: httpx.AsyncClient,
    redis: RedisHandle | None,
    upstreams: dict[str, str],
    breakers: dict[str, CircuitBreaker],
) -> GatewayReadiness:
    names = list(upstreams)
    results = await asyncio.gather(_redis(redis), *(_probe(client, upstreams[n]) for n in names))
    redis_check, probes = results[0], results[1:]
    checks = {
        name: UpstreamCheck(status=probe, breaker=breakers[name].state.value)
        for name, probe in zip(names, probes, strict=True)
    }
    up = [check.status == "ok" for check in checks.values()]
    if redis_check == "down" or not any(up):
        status: Literal["ready", "degraded", "unavailable"] = "unavailable"
    elif all(up):
        status = "ready"
    else:
        status = "degraded"
    return GatewayReadiness(status=status, redis=redis_check, upstreams=checks)
