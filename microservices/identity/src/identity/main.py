"""identity's app factory: `uvicorn identity.main:create_app --factory --port 8001`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, Depends, FastAPI, Request
from opentelemetry.sdk.trace.export import SpanExporter

from backend_shared.accounts.router import auth_router, users_router
from backend_shared.db import Database
from backend_shared.state import service_state
from identity.admin import bootstrap_admin
from identity.config import Settings, get_settings
from identity.registrations import RegisteredUsers
from shop_platform.runtime import get_runtime
from shop_platform.service import create_shop_service

DESCRIPTION = """
Accounts for the whole shop: sign-up, log-in, refresh rotation and `/users/me`.

Access tokens are signed with an Ed25519 key (`EdDSA`) whose id (`kid`) is in each token's
header; `/.well-known/jwks.json` publishes the public keys, so every other service verifies
tokens without holding any secret. A token names the services it is for (`aud`).
Every new account is announced as `user.registered`.
"""


async def wake_relay_after_signup(request: Request) -> AsyncIterator[None]:
    """After a sign-up, the relay publishes `user.registered` at once instead of on its
    next poll."""
    yield
    if request.method == "POST" and request.url.path.endswith("/signup"):
        get_runtime(request).events_written()


def create_app(
    settings: Settings | None = None,
    *,
    span_exporter: SpanExporter | None = None,
    run_workers: bool = True,
) -> FastAPI:
    settings = settings or get_settings()
    auth = APIRouter(dependencies=[Depends(wake_relay_after_signup)])
    auth.include_router(auth_router)

    @asynccontextmanager
    async def bootstrap(app: FastAPI) -> AsyncIterator[None]:
        password = settings.admin_password
        await bootstrap_admin(
            db=service_state(app).database,
            email=settings.admin_email,
            password=password.get_secret_value() if password else None,
        )
        yield

    def outbox_sources(db: Database) -> list[RegisteredUsers]:
        return [RegisteredUsers(db)]

    return create_shop_service(
        settings,
        title="identity",
        description=DESCRIPTION,
        routers=[auth, users_router],
        accounts=True,
        outbox_sources=outbox_sources,
        extra_lifespan=bootstrap,
        span_exporter=span_exporter,
        run_workers=run_workers,
    )
