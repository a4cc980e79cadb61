"""Start and stop the live side with the app: attach the backends the lifespan opened,
start the message bus listener, the presence heartbeat and the listener for ended sessions,
and on shutdown announce this instance's users offline instead of leaving them to expire."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.client import PubSub
from redis.exceptions import RedisError

from backend_shared.accounts.flows import sessions_channel
from realtime_chat import flows
from realtime_chat.realtime.guards import FloodControl
from realtime_chat.realtime.presence import Presence
from realtime_chat.realtime.server import Backends, ChatSocketServer
from realtime_chat.services.membership_cache import MembershipCache

logger = logging.getLogger("realtime_chat.presence")
sessions_logger = logging.getLogger("realtime_chat.sessions")


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


async def close_ended_sessions(chat: ChatSocketServer, pubsub: PubSub, stop: asyncio.Event) -> None:
    """Close this instance's connections of each session announced ended, until `stop`.

    redis-py reconnects and subscribes again after a dropped connection, and each
    subscription is confirmed with a `subscribe` message. After the first, such a message
    means announcements may have been missed meanwhile, so every connection's session is
    checked against its account again."""
    subscriptions = 0
    while not stop.is_set():
        try:
            # Bounded, so that `stop` is seen even if a cancellation is swallowed.
            message = await pubsub.get_message(timeout=1.0)
            if message is None:
                continue
            if message["type"] == "subscribe":
                subscriptions += 1
                if subscriptions > 1:
                    await chat.sessions.recheck(chat.check_session)
            elif message["type"] == "message":
                ended = json.loads(message["data"])
                await chat.sessions.ended(
                    user_id=str(ended["user_id"]), session_id=ended.get("session_id")
                )
        except RedisError as exc:
            sessions_logger.warning("listening for ended sessions failed (%s); retrying", exc)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=1.0)
        except Exception:  # one bad announcement must not end the listener
            sessions_logger.exception("could not handle an ended-session announcement")


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
    # Its own connection, held by the subscription (and no socket timeout: it waits).
    listener = Redis.from_url(redis.url, client_name=f"{settings.service_name}:sessions")
    pubsub = listener.pubsub()
    await pubsub.subscribe(sessions_channel(settings.service_name))
    stop = asyncio.Event()
    beat = asyncio.create_task(heartbeat(chat, presence, settings.presence_heartbeat_seconds, stop))
    sessions = asyncio.create_task(close_ended_sessions(chat, pubsub, stop))
    try:
        yield
    finally:
        stop.set()
        await beat
        sessions.cancel()
        await asyncio.wait({sessions}, timeout=2)
        await pubsub.aclose()  # type: ignore[no-untyped-call]
        await listener.aclose()
        await chat.stop_coalescing()
        for entry in chat.local_entries():
            with contextlib.suppress(Exception):
                await flows.went_offline(broadcast=chat.broadcast, presence=presence, entry=entry)
        bus = getattr(sio.manager, "thread", None)
        if bus is not None:
            bus.cancel()
            # Bounded: the bus listener retries on errors, and may not see the cancel.
            await asyncio.wait({bus}, timeout=1)
        await client.aclose()
        await pool.aclose()
