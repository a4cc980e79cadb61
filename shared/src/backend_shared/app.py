"""`create_service_app`: the FastAPI app every project starts from, wired the same way:
settings checked, logs, middleware, error handlers, health routes, and a lifespan that
opens MongoDB and Redis once and closes them on shutdown."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from starlette.middleware.cors import CORSMiddleware

from backend_shared.auth.refresh import RefreshTokenStore
from backend_shared.auth.tokens import TokenService
from backend_shared.db import Database, connect_mongo
from backend_shared.errors import ErrorRenderer, install_error_handlers, render_problem_json
from backend_shared.health import router as health_router
from backend_shared.logs import configure_logging
from backend_shared.middleware import (
    BodySizeLimitMiddleware,
    RequestContextMiddleware,
    SecurityHeadersMiddleware,
)
from backend_shared.openapi import error_responses
from backend_shared.ratelimit import RateLimiter
from backend_shared.redis import connect_redis
from backend_shared.settings import BaseServiceSettings, ConfigError

logger = logging.getLogger("backend_shared.app")

IndexSetup = Callable[[Database], Awaitable[None]]
ExtraLifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]


def _no_extra_lifespan(_: FastAPI) -> AbstractAsyncContextManager[None]:
    return nullcontext()


def create_service_app(
    settings: BaseServiceSettings,
    *,
    title: str,
    description: str,
    version: str = "0.1.0",
    routers: Sequence[APIRouter] = (),
    ensure_indexes: IndexSetup | None = None,
    extra_lifespan: ExtraLifespan = _no_extra_lifespan,
    error_renderer: ErrorRenderer = render_problem_json,
    openapi_tags: list[dict[str, Any]] | None = None,
    body_error_responses: Mapping[int | str, dict[str, Any]] | None = None,
) -> FastAPI:
    """Build a service app. Exits with a one-line reason if the settings are unsafe.

    Every route that reads a body can fail before its code runs (undecodable bytes: 400,
    too large: 413); `body_error_responses` documents those on each such route, in the
    project's error format (problem+json unless given)."""
    configure_logging(settings.log_level)
    try:
        settings.check()
        tokens = TokenService.from_settings(settings)
    except ConfigError as exc:
        logger.error("refusing to start: %s", exc)
        raise SystemExit(f"refusing to start: {exc}") from None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        mongo = await connect_mongo(settings.mongodb_url, settings.mongodb_db)
        redis = None
        try:
            refresh_tokens = RefreshTokenStore(
                mongo.db, ttl_seconds=settings.refresh_token_ttl_seconds
            )
            await refresh_tokens.ensure_indexes()
            if ensure_indexes is not None:
                await ensure_indexes(mongo.db)
            redis = await connect_redis(
                settings.redis_url, embedded=settings.redis_embedded and not settings.is_production
            )
            app.state.mongo = mongo
            app.state.db = mongo.db
            app.state.redis = redis
            app.state.refresh_tokens = refresh_tokens
            app.state.rate_limiter = RateLimiter(
                redis.url if redis else None, namespace=settings.service_name
            )
            async with extra_lifespan(app):
                logger.info("%s is ready (%s)", settings.service_name, settings.app_env.value)
                yield
        finally:
            if redis is not None:
                await redis.close()
            await mongo.close()

    app = FastAPI(
        title=title,
        description=description,
        version=version,
        lifespan=lifespan,
        openapi_tags=openapi_tags,
    )
    app.state.settings = settings
    app.state.tokens = tokens
    install_error_handlers(app, error_renderer)

    # add_middleware wraps, so the last one added runs first on the way in.
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=["X-Request-ID", "Retry-After"],
        )
    app.add_middleware(SecurityHeadersMiddleware, hsts=settings.is_production)
    app.add_middleware(RequestContextMiddleware)

    body_errors = (
        error_responses(400, 413) if body_error_responses is None else body_error_responses
    )
    app.include_router(health_router)
    for router in routers:
        _document_body_errors(router, body_errors)
        app.include_router(router)
    return app


def _document_body_errors(router: APIRouter, responses: Mapping[int | str, dict[str, Any]]) -> None:
    for route in router.routes:
        if isinstance(route, APIRoute) and route.body_field is not None:
            route.responses = {**responses, **route.responses}
