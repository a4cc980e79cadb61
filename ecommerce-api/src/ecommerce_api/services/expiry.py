"""The background task that expires unpaid orders (and finishes stock changes a crash
interrupted), one per instance. Instances do not
coordinate: each expiry is a compare-and-set (services/orders.py), so running it on every
instance expires each order, and releases its stock, once."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress

from backend_shared.db import Database
from ecommerce_api.services import orders
from ecommerce_api.services.payments import PaymentProvider

logger = logging.getLogger("ecommerce_api.expiry")


async def _sweep_forever(
    db: Database, provider: PaymentProvider, interval: float, on_change: Callable[[], None]
) -> None:
    while True:
        try:
            expired = await orders.expire_due(db=db, provider=provider)
            repaired = await orders.repair_stock(db=db)
            if expired or repaired:
                on_change()
                logger.info("expired %d unpaid orders; repaired %d", expired, repaired)
        except Exception:
            logger.exception("the expiry sweep failed; trying again next time")
        await asyncio.sleep(interval)  # a schedule, not a wait for something to happen


@asynccontextmanager
async def expiring_orders(
    db: Database, provider: PaymentProvider, interval: float, *, on_change: Callable[[], None]
) -> AsyncIterator[None]:
    """Runs the sweep every `interval` seconds while the app runs (0: not at all)."""
    if interval <= 0:
        yield
        return
    task = asyncio.create_task(_sweep_forever(db, provider, interval, on_change))
    try:
        yield
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task
