"""ecommerce-api's app factory: `uvicorn ecommerce_api.main:create_app --factory`."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from backend_shared.accounts.router import auth_router, users_router
from backend_shared.app import create_service_app
from ecommerce_api import flows
from ecommerce_api.config import Settings, get_settings
from ecommerce_api.routers import (
    admin,
    admin_orders,
    cart,
    coupons,
    images,
    inventory,
    orders,
    payments,
    products,
)
from ecommerce_api.services import users, webhooks
from ecommerce_api.services.catalogue_cache import CatalogueCache
from ecommerce_api.services.collections import ensure_indexes
from ecommerce_api.services.expiry import expiring_orders
from ecommerce_api.services.fake_provider import FakePaymentProvider
from ecommerce_api.services.idempotency import Waiters
from ecommerce_api.services.storage import build_media_store
from ecommerce_api.uploads import ENVELOPE_BYTES

logger = logging.getLogger("ecommerce_api")

DESCRIPTION = """
A shop: a catalogue with stock that never oversells, carts, idempotent checkout, orders
with a state machine, payments confirmed by signed webhooks, and safe image uploads.

Sign up (you are a `customer`), log in, and send `Authorization: Bearer <access_token>`.
Admin routes need the `admin` role, read from the account on every request. Amounts are
integers in minor units with their currency: `{"amount": 1999, "currency": "EUR"}`.
Errors are `application/problem+json` (RFC 9457).
"""

OPENAPI_TAGS = [
    {"name": "products", "description": "The catalogue; writes need the admin role"},
    {"name": "cart", "description": "The signed-in customer's cart"},
    {"name": "orders", "description": "Checkout and the customer's orders"},
    {"name": "media", "description": "Uploaded images, as stored"},
    {"name": "payments", "description": "The payment provider's signed webhook"},
    {"name": "development", "description": "Only in development and tests: the fake provider"},
    {"name": "admin", "description": "Accounts, roles, stock, coupons, orders and the audit log"},
]


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def shop_lifespan(app: FastAPI) -> AsyncIterator[None]:
        admin_password = settings.admin_password
        await users.bootstrap_admin(
            db=app.state.db,
            email=settings.admin_email,
            password=admin_password.get_secret_value() if admin_password else None,
        )
        provider = FakePaymentProvider(
            db=app.state.db,
            webhook_secret=settings.payment_webhook_secret.get_secret_value(),
        )

        async def deliver(payload: bytes, signature: str) -> object:
            # The fake provider's webhooks take the same path as a real one's requests.
            return await webhooks.handle(
                db=app.state.db,
                provider=provider,
                payload=payload,
                signature=signature,
                secret=settings.payment_webhook_secret.get_secret_value(),
                tolerance=settings.payment_webhook_tolerance_seconds,
            )

        provider.deliver = deliver
        app.state.payment_provider = provider
        app.state.idempotency_waiters = Waiters()
        app.state.catalogue_cache = CatalogueCache(ttl=settings.catalogue_cache_seconds)
        app.state.media_store = build_media_store(settings)
        logger.info("images are stored in the %s", app.state.media_store.description)
        async with expiring_orders(
            app.state.db,
            provider,
            settings.expiry_sweep_seconds,
            on_change=lambda: flows.catalogue_changed(app.state.catalogue_cache),
        ):
            yield

    routers = [
        auth_router,
        users_router,
        products.router,
        products.categories_router,
        images.router,
        images.media_router,
        cart.router,
        orders.router,
        payments.router,
        inventory.router,
        coupons.router,
        admin_orders.router,
        admin.router,
    ]
    if settings.dev_endpoints_enabled:
        routers.append(payments.dev_router)
    return create_service_app(
        settings,
        title="ecommerce-api",
        description=DESCRIPTION,
        routers=routers,
        accounts=True,
        ensure_indexes=ensure_indexes,
        extra_lifespan=shop_lifespan,
        openapi_tags=OPENAPI_TAGS,
        # Uploads need megabytes where JSON needs kilobytes; the route still cuts off at
        # MAX_IMAGE_BYTES as the file streams in.
        body_limits=[(images.UPLOAD_PATH, settings.max_image_bytes + ENVELOPE_BYTES)],
    )
