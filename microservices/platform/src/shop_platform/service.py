"""`create_shop_service`: the shared `create_service_app` plus what a shop service runs
beside its routes (outbox relay, event consumer, tracing, test checkpoints)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from typing import Any

from fastapi import APIRouter, FastAPI
from opentelemetry.sdk.trace.export import SpanExporter
from redis.asyncio import Redis

from backend_shared.app import IndexSetup, create_service_app
from backend_shared.db import Database
from backend_shared.events import Envelope
from backend_shared.state import service_state
from backend_shared.streams import StreamConsumer
from shop_platform.checkpoints import Checkpoints
from shop_platform.inbox import Inbox
from shop_platform.outbox import DocumentOutbox, OutboxRelay, OutboxSource, PendingEvent
from shop_platform.runtime import EventHandler, ShopRuntime, consumer_name, stream_handlers
from shop_platform.settings import ShopSettings
from shop_platform.telemetry import setup_tracing

OutboxSources = Callable[[Database], Sequence[OutboxSource]]
Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]


def create_shop_service(
    settings: ShopSettings,
    *,
    title: str,
    description: str,
    routers: Sequence[APIRouter] = (),
    handlers: Mapping[str, EventHandler] | None = None,
    outbox_collections: Sequence[str] = (),
    outbox_sources: OutboxSources | None = None,
    database: bool = True,
    accounts: bool = False,
    ensure_indexes: IndexSetup | None = None,
    extra_lifespan: Lifespan | None = None,
    span_exporter: SpanExporter | None = None,
    run_workers: bool = True,
    openapi_tags: list[dict[str, Any]] | None = None,
) -> FastAPI:
    """A shop service. `handlers` maps event types to handlers (the service's consumer
    group is its name); `outbox_collections` are the collections whose documents carry
    an `outbox`. `run_workers=False` leaves relay and consumer to the caller (tests drive
    `app.state.shop.relay.publish_pending()` and `consumer.poll()` step by step)."""
    handlers = dict(handlers or {})

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state = service_state(app)
        redis_handle = state.require("redis")
        stream_redis = Redis.from_url(
            redis_handle.url,
            socket_connect_timeout=2,
            socket_timeout=settings.stream_block_ms / 1000 + 10,
        )
        db = state.mongo.db if state.mongo is not None else None
        checkpoints = Checkpoints(
            enabled=settings.test_checkpoints,
            service=settings.service_name,
            redis=stream_redis,
            redis_url=redis_handle.url,
            mongo=state.mongo,
        )
        runtime = ShopRuntime(
            service=settings.service_name,
            telemetry=app.state.telemetry,
            checkpoints=checkpoints,
            redis=stream_redis,
            db=db,
        )
        sources: list[OutboxSource] = []
        if db is not None:
            sources += [DocumentOutbox(db, name) for name in outbox_collections]
            if outbox_sources is not None:
                sources += outbox_sources(db)

        async def relay_checkpoint(_: PendingEvent) -> None:
            await checkpoints.reach("relay.after_publish")

        if sources:
            runtime.relay = OutboxRelay(
                stream_redis,
                sources,
                poll_seconds=settings.outbox_poll_seconds,
                after_publish=relay_checkpoint,
            )
        if handlers:
            if db is None:
                raise RuntimeError("an event consumer needs a database for its inbox")
            runtime.inbox = Inbox(db, settings.service_name)
            await runtime.inbox.ensure_indexes()
            runtime.consumer = StreamConsumer(
                stream_redis,
                group=settings.service_name,
                consumer=consumer_name(settings.service_name),
                handlers=stream_handlers(runtime, handlers),
                max_deliveries=settings.stream_max_deliveries,
                claim_idle_ms=settings.stream_claim_idle_ms,
                block_ms=settings.stream_block_ms,
                on_dead_letter=lambda message, _: _release(runtime, message.fields),
            )
            await runtime.consumer.ensure_groups()
        app.state.shop = runtime
        try:
            async with extra_lifespan(app) if extra_lifespan else nullcontext():
                if run_workers:
                    runtime.start()
                yield
        finally:
            await runtime.stop()
            await stream_redis.aclose()
            runtime.telemetry.shutdown()

    app = create_service_app(
        settings,
        title=title,
        description=description,
        routers=routers,
        database=database,
        accounts=accounts,
        ensure_indexes=ensure_indexes,
        extra_lifespan=lifespan,
        openapi_tags=openapi_tags,
    )
    app.state.telemetry = setup_tracing(app, settings, exporter=span_exporter)
    return app


async def _release(runtime: ShopRuntime, fields: Mapping[str, str]) -> None:
    """A dead-lettered message's inbox claim is let go, so replaying it runs again."""
    if runtime.inbox is None:
        return
    try:
        event_id = Envelope.model_validate_json(fields["envelope"]).id
    except (KeyError, ValueError):
        return  # unreadable: it never claimed anything
    await runtime.inbox.release(event_id)
