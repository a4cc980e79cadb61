"""What a shop service runs beside its HTTP routes: the outbox relay and the consumer of
the events it subscribes to, each event handled inside its trace and behind the inbox.

A handler is `async def on_order_placed(event: OrderPlacedV1, context: EventContext)`;
it writes its effect (and any event it emits, in the same write, see `outbox`) and
returns. It runs again if it raised or its process died, so a partial run must be safe
to finish: each step is a conditional single-document write."""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from redis.asyncio import Redis

from backend_shared.db import Database
from backend_shared.events import Envelope
from backend_shared.streams import StreamConsumer, StreamMessage, stream_for
from shop_contracts.events import EventData, parse_event
from shop_platform.checkpoints import Checkpoints
from shop_platform.inbox import Delivery, Inbox
from shop_platform.outbox import OutboxRelay
from shop_platform.telemetry import Telemetry


@dataclass(frozen=True, slots=True)
class EventContext:
    envelope: Envelope
    runtime: ShopRuntime

    @property
    def db(self) -> Database:
        return self.runtime.database

    async def checkpoint(self, name: str) -> None:
        await self.runtime.checkpoints.reach(name)


EventHandler = Callable[[Any, EventContext], Awaitable[None]]


@dataclass(slots=True)
class ShopRuntime:
    service: str
    telemetry: Telemetry
    checkpoints: Checkpoints
    redis: Redis  # a client of its own: consumers block on it
    db: Database | None
    relay: OutboxRelay | None = None
    consumer: StreamConsumer | None = None
    inbox: Inbox | None = None
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    @property
    def database(self) -> Database:
        if self.db is None:
            raise RuntimeError(f"{self.service} has no database")
        return self.db

    def events_written(self) -> None:
        """Tell the relay an outbox has something new, so it publishes without waiting."""
        if self.relay is not None:
            self.relay.wake()

    def start(self) -> None:
        if self.relay is not None:
            self.tasks.append(asyncio.create_task(self.relay.run(), name="outbox-relay"))
        if self.consumer is not None:
            self.tasks.append(asyncio.create_task(self.consumer.run(), name="consumer"))

    async def stop(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        self.tasks.clear()


def consumer_name(service: str) -> str:
    """Unique per process, so a restarted process never mistakes its predecessor's
    pending messages for its own work in progress."""
    return f"{service}-{socket.gethostname()}-{os.getpid()}"


def stream_handlers(
    runtime: ShopRuntime, handlers: Mapping[str, EventHandler]
) -> dict[str, Callable[[StreamMessage], Awaitable[None]]]:
    """One stream handler per event type: parse, trace, claim in the inbox, handle."""
    inbox = runtime.inbox
    assert inbox is not None

    def wrap(handler: EventHandler) -> Callable[[StreamMessage], Awaitable[None]]:
        async def handle(message: StreamMessage) -> None:
            envelope = message.envelope()
            event: EventData = parse_event(envelope)
            delivery = Delivery(envelope.id, envelope.type, message.stream, message.id)
            with runtime.telemetry.handling(envelope, runtime.service):
                if not await inbox.claim(delivery):
                    return
                await handler(event, EventContext(envelope=envelope, runtime=runtime))
                await inbox.done(delivery)
            runtime.events_written()

        return handle

    return {stream_for(event_type): wrap(handler) for event_type, handler in handlers.items()}


def get_runtime(request: Request) -> ShopRuntime:
    runtime: ShopRuntime = request.app.state.shop
    return runtime
