"""Start and stop the live side with the app: attach the backends the lifespan opened,
start the message bus listener and the presence heartbeat, and on shutdown announce this
instance's users offline instead of leaving them to expire."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from redis.asyncio import BlockingConnectionPool, Redis

from realtime_chat.realtime.guards import FloodControl
from realtime_chat.realtime.presence import Presence
from realtime_chat.realtime.server import Backends, ChatSocketServer
from realtime_chat.services.membership_cache import MembershipCache

logger = logging.getLogger("realtime_chat.presence")


async def heartbeat(
    chat: ChatSocketServer, presence: Presence, interval: float, stop: asyncio.Event
) -> None:
    """Refresh this instance's presence entries, and sweep entries nobody refreshes, until
    `stop` is set. (A stop event, not task cancellation: redis-py can swallow a
    cancellation that lands mid-command, and the loop would then beat on.)"""
    broadcast = chat.broadcast
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)
            return
        try:
            for entry in await presence.refresh(chat.local_entries()):
                name = await presence.name_of(entry.user_id)
                await broadcast.presence_changed(entry.room_id, entry.user_id, name, online=True)
            for entry in await presence.sweep():
                name = await presence.name_of(entry.user_id)
                await broadcast.presence_changed(entry.room_id, entry.user_id, name, online=False)
        except Exception:  # a Redis hiccup must not end the heartbeat
            logger.exception("presence heartbeat failed; retrying next beat")


@asynccontextmanager
async def run_chat(app: FastAPI, chat: ChatSocketServer) -> AsyncIterator[None]:
    settings = chat.settings
    redis = app.state.redis
    if redis is None:
        raise SystemExit(
            "refusing to start: realtime-chat keeps presence in Redis; set REDIS_URL "
            "or leave REDIS_EMBEDDED on"
        )
    if settings.gc_gen0_threshold:
        gc.set_threshold(settings.gc_gen0_threshold, 20, 100)
    pool = BlockingConnectionPool.from_url(
        redis.url, max_connections=settings.redis_max_connections, timeout=30
    )
    client = Redis(connection_pool=pool)
    presence = Presence(
        client, namespace=settings.service_name, ttl_seconds=settings.presence_ttl_seconds
    )
    members = MembershipCache(client, namespace=settings.service_name)
    chat.bind(
        Backends(
            db=app.state.db,
            tokens=app.state.tokens,
            flood=FloodControl(
                app.state.rate_limiter,
                limit=settings.flood_max_messages,
                window_seconds=settings.flood_window_seconds,
                redis_concurrency=settings.flood_check_concurrency,
                redis_wait_seconds=settings.flood_check_wait_seconds,
            ),
            presence=presence,
            members=members,
        )
    )
    app.state.members = members
    sio = chat.sio
    if not sio.manager_initialized:  # subscribe to the bus now, not at the first connection
        sio.manager_initialized = True
        sio.manager.initialize()
    stop = asyncio.Event()
    beat = asyncio.create_task(heartbeat(chat, presence, settings.presence_heartbeat_seconds, stop))
    try:
        yield
    finally:
        stop.set()
        await beat
        await chat.stop_coalescing()
        for entry in chat.local_entries():
            with contextlib.suppress(Exception):
                if await presence.leave(entry):
                    name = await presence.name_of(entry.user_id)
                    await chat.broadcast.presence_changed(
                        entry.room_id, entry.user_id, name, online=False
                    )
        bus = getattr(sio.manager, "thread", None)
        if bus is not None:
            bus.cancel()
            # Bounded: the bus listener retries on errors, and may not see the cancel.
            await asyncio.wait({bus}, timeout=1)
        await client.aclose()
        await pool.aclose()
