"""Test checkpoints: named moments where a test can freeze a process, to kill it exactly
there ("after publishing, before marking sent"; "mid-way through a reservation").

Off unless `TEST_CHECKPOINTS=true` (refused in production). A test arms a checkpoint by
setting the Redis key `checkpoint:arm:<service>:<name>`; the first process to reach it
takes the key (GETDEL, so only one does), makes its database durable up to this moment,
pushes `<service>:<name>` onto the list `checkpoint:reached` (the test waits on it with
BLPOP) and stops itself with SIGSTOP. Everything from the check on is synchronous, so no
other task of the process runs after the moment: the test then sends SIGKILL, and what
survives is exactly what a crash at that line would leave.

Durability: a real MongoDB acknowledges a journaled write only once it is on disk. The
embedded engine writes its snapshot a second after writes, so a process killed at an
arbitrary moment loses its last second; here the snapshot is written at the checkpoint,
which stands for a database that keeps every acknowledged write."""

from __future__ import annotations

import logging
import os
import signal
from typing import Any

from redis import Redis as SyncRedis
from redis.asyncio import Redis

from backend_shared.db import MongoHandle

logger = logging.getLogger("shop_platform.checkpoints")

REACHED = "checkpoint:reached"


def arm_key(service: str, name: str) -> str:
    return f"checkpoint:arm:{service}:{name}"


class Checkpoints:
    def __init__(
        self,
        *,
        enabled: bool,
        service: str,
        redis: Redis,
        redis_url: str,
        mongo: MongoHandle | None,
    ) -> None:
        self.enabled = enabled
        self.service = service
        self.redis = redis
        self.redis_url = redis_url
        self.mongo = mongo

    async def reach(self, name: str) -> None:
        if not self.enabled:
            return
        if await self.redis.getdel(arm_key(self.service, name)) is None:
            return
        logger.warning("checkpoint %s reached: stopping this process", name)
        self._make_durable()
        with SyncRedis.from_url(self.redis_url) as client:
            client.rpush(REACHED, f"{self.service}:{name}")
        os.kill(os.getpid(), signal.SIGSTOP)

    def _make_durable(self) -> None:
        if self.mongo is None or self.mongo.engine != "embedded":
            return
        database: Any = self.mongo.db  # an EmbeddedDatabase
        database.save_now()
