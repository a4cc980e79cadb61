"""notifier's app factory: `uvicorn notifier.main:create_app --factory --port 8004`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from opentelemetry.sdk.trace.export import SpanExporter

from notifier import store
from notifier.config import Settings, get_settings
from notifier.handlers import event_handlers
from notifier.mailer import Mailer
from notifier.routers import router
from shop_platform.service import create_shop_service

DESCRIPTION = """
A worker that writes to customers: consumes `user.registered` (a welcome mail),
`order.confirmed` and `order.rejected`, and sends each through SMTP. `GET /notifications`
shows the signed-in user what was sent to them.
"""


def create_app(
    settings: Settings | None = None,
    *,
    span_exporter: SpanExporter | None = None,
    run_workers: bool = True,
) -> FastAPI:
    settings = settings or get_settings()
    mailer = Mailer(settings)

    @asynccontextmanager
    async def mail_server(app: FastAPI) -> AsyncIterator[None]:
        await mailer.start()
        try:
            yield
        finally:
            await mailer.stop()

    app = create_shop_service(
        settings,
        title="notifier",
        description=DESCRIPTION,
        routers=[router],
        handlers=event_handlers(mailer),
        ensure_indexes=store.ensure_indexes,
        extra_lifespan=mail_server,
        span_exporter=span_exporter,
        run_workers=run_workers,
    )
    app.state.mailer = mailer
    return app
