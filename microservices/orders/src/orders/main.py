"""orders' app factory: `uvicorn orders.main:create_app --factory --port 8003`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI
from opentelemetry.sdk.trace.export import SpanExporter

from orders.config import Settings, get_settings
from orders.routers import cart, orders
from orders.services import store
from orders.services.catalog_client import CatalogClient
from orders.services.orders import on_stock_rejected, on_stock_reserved
from shop_platform.breaker import CircuitBreaker
from shop_platform.service import create_shop_service
from shop_platform.upstream import Upstream

DESCRIPTION = """
The cart and checkout. `POST /orders` needs an `Idempotency-Key`; it reads current prices
from catalog over HTTP (timeout, one retry, circuit breaker), stores the order `pending`
and publishes `order.placed`. catalog answers with `stock.reserved` (the order becomes
`confirmed`) or `stock.rejected` (`rejected`). Cancelling publishes `order.cancelled`.
"""


def create_app(
    settings: Settings | None = None,
    *,
    span_exporter: SpanExporter | None = None,
    run_workers: bool = True,
) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def catalog_client(app: FastAPI) -> AsyncIterator[None]:
        async with httpx.AsyncClient() as client:
            app.state.telemetry.instrument_client(client)
            breaker = CircuitBreaker(
                "catalog",
                failure_threshold=settings.catalog_breaker_failures,
                open_seconds=settings.catalog_breaker_open_seconds,
            )
            app.state.catalog = CatalogClient(
                Upstream(
                    "catalog",
                    settings.catalog_url,
                    client=client,
                    breaker=breaker,
                    timeout_seconds=settings.catalog_timeout_seconds,
                    retries=settings.catalog_retries,
                )
            )
            yield

    return create_shop_service(
        settings,
        title="orders",
        description=DESCRIPTION,
        routers=[cart.router, orders.router],
        handlers={"stock.reserved": on_stock_reserved, "stock.rejected": on_stock_rejected},
        outbox_collections=[store.ORDERS],
        ensure_indexes=store.ensure_indexes,
        extra_lifespan=catalog_client,
        span_exporter=span_exporter,
        run_workers=run_workers,
    )
