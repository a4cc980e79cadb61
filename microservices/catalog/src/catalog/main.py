"""catalog's app factory: `uvicorn catalog.main:create_app --factory --port 8002`."""

from __future__ import annotations

from fastapi import FastAPI
from opentelemetry.sdk.trace.export import SpanExporter

from catalog.config import Settings, get_settings
from catalog.routers import inventory, products
from catalog.services import store
from catalog.services.reservations import on_order_cancelled, on_order_placed
from shop_platform.service import create_shop_service

DESCRIPTION = """
Products and their stock. Anyone can read; writes need a token whose roles include
`admin` (catalog has no accounts of its own and trusts identity's signature).

Consumes `order.placed` (holds every line or none, then emits `stock.reserved` or
`stock.rejected`) and `order.cancelled` (releases what the order held).
"""


def create_app(
    settings: Settings | None = None,
    *,
    span_exporter: SpanExporter | None = None,
    run_workers: bool = True,
) -> FastAPI:
    return create_shop_service(
        settings or get_settings(),
        title="catalog",
        description=DESCRIPTION,
        routers=[products.router, inventory.router],
        handlers={"order.placed": on_order_placed, "order.cancelled": on_order_cancelled},
        outbox_collections=[store.RESERVATIONS],
        ensure_indexes=store.ensure_indexes,
        span_exporter=span_exporter,
        run_workers=run_workers,
    )
