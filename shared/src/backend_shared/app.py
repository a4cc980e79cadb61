"""`create_service_app`: the FastAPI app every project starts from, wired the same way:
settings checked, logs, middleware, error handlers, health routes, and a lifespan that
opens what the service asked for (MongoDB, Redis, accounts) once and closes it on shutdown.

Infrastructure is opt-in: a gateway with no database says `database=False`; a worker
with only Redis says `database=False, tokens=False`."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from starlette.middleware.cors import CORSMiddleware

from backend_shared.accounts import service as accounts_service
from backend_shared.auth.guesses import GuessLimiter
from backend_shared.auth.jwks import jwks_router
from backend_shared.auth.refresh import RefreshTokenStore
from backend_shared.auth.tokens import TokenService
from backend_shared.db import Database, connect_mongo
from backend_shared.errors import ErrorRenderer, install_error_handlers, render_problem_json
from backend_shared.health import add_health_routes
from backend_shared.logs import configure_logging, turn_off_server_access_log
from backend_shared.middleware import (
    BodySizeLimitMiddleware,
    RequestContextMiddleware,
    SecurityHeadersMiddleware,
)
from backend_shared.openapi import error_responses
from backend_shared.ratelimit import RateLimiter
from backend_shared.redis import connect_redis
from backend_shared.settings import (
    AccountSettings,
    ConfigError,
    CoreSettings,
    MongoSettings,
    RedisSettings,
    TokenVerifierSettings,
)
from backend_shared.state import ServiceState

logger = logging.getLogger("backend_shared.app")

# Python's collector makes a young-generation pass every 700 net allocations. With requests in
# flight, each pass finds their objects alive and promotes them, and the promoted objects add
# up to full passes over the whole heap (with the embedded engine: every stored document).
# Measured on `GET /tasks` (wrk -c32, 50,000 stored tasks): 150 us of CPU per request and
# 200 ms pauses. A request frees what it allocates, so with room for this many objects it is
# over before any pass: cycles are still collected, a little later.
GC_YOUNG_OBJECTS = 50_000

IndexSetup = Callable[[Database], Awaitable[None]]
ExtraLifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]


def _no_extra_lifespan(_: FastAPI) -> AbstractAsyncContextManager[None]:
    return nullcontext()


def operation_id(route: APIRoute) -> str:
    """`tasks-create_task`: what generated clients name their methods after."""
    return f"{route.tags[0]}-{route.name}" if route.tags else route.name


def create_service_app(
    settings: CoreSettings,
    *,
    title: str,
    description: str,
    version: str = "0.1.0",
    routers: Sequence[APIRouter] = (),
    database: bool = True,
    redis: bool = True,
    accounts: bool = False,
    ensure_indexes: IndexSetup | None = None,
    extra_lifespan: ExtraLifespan = _no_extra_lifespan,
    error_renderer: ErrorRenderer = render_problem_json,
    openapi_tags: list[dict[str, Any]] | None = None,
    body_error_responses: Mapping[int | str, dict[str, Any]] | None = None,
    body_limits: Sequence[tuple[str, int]] = (),
) -> FastAPI:
    """Build a service app. Exits with a one-line reason if the settings are unsafe.

    `accounts=True` gives the service the shared accounts' stores (refresh tokens, the
    users' unique email index); mount `auth_router` and `users_router` to serve them.
    Every route that reads a body can fail before its code runs (undecodable bytes: 400,
    too large: 413); `body_error_responses` documents those on each such route, in the
    project's error format (problem+json unless given). `body_limits` are (path regex,
    bytes) pairs that override `max_body_bytes` for some routes."""
    configure_logging(settings.log_level)
    _make_room_for_requests_in_flight()
    state = ServiceState(settings=settings)
    try:
        _check_opt_ins(settings, database=database, redis=redis, accounts=accounts)
        settings.check()
        if isinstance(settings, TokenVerifierSettings):
            state.tokens = TokenService.from_settings(settings)
    except ConfigError as exc:
        logger.error("refusing to start: %s", exc)
        raise SystemExit(f"refusing to start: {exc}") from None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        turn_off_server_access_log()
        try:
            if database and isinstance(settings, MongoSettings):
                state.mongo = await connect_mongo(
                    settings.mongodb_url,
                    settings.mongodb_db,
                    snapshot_dir=settings.embedded_snapshot_dir,
                )
                if accounts and isinstance(settings, AccountSettings):
                    state.refresh_tokens = RefreshTokenStore(
                        state.mongo.db, ttl_seconds=settings.refresh_token_ttl_seconds
                    )
                    await state.refresh_tokens.ensure_indexes()
                    await accounts_service.ensure_indexes(state.mongo.db)
                if ensure_indexes is not None:
                    await ensure_indexes(state.mongo.db)
            if redis and isinstance(settings, RedisSettings):
                state.redis = await connect_redis(
                    settings.redis_url,
                    embedded=settings.redis_embedded and not settings.is_production,
                )
            redis_client = state.redis.client if state.redis else None
            state.rate_limiter = RateLimiter(
                state.redis.url if state.redis else None, namespace=settings.service_name
            )
            if isinstance(settings, AccountSettings):
                state.guesses = GuessLimiter(
                    redis_client,
                    namespace=settings.service_name,
                    window_seconds=settings.login_window_seconds,
                )
            _expose_legacy_state(app, state)
            async with extra_lifespan(app):
                logger.info("%s is ready (%s)", settings.service_name, settings.app_env.value)
                yield
        finally:
            if state.redis is not None:
                await state.redis.close()
            if state.mongo is not None:
                await state.mongo.close()

    app = FastAPI(
        title=title,
        description=description,
        version=version,
        lifespan=lifespan,
        openapi_tags=openapi_tags,
        generate_unique_id_function=operation_id,
        # FastAPI's own OpenTelemetry is off: services that trace (microservices) give each
        # app its own tracer provider through the OpenTelemetry instrumentation. Left on,
        # FastAPI asks the global providers on every request whether it should trace, which
        # reads the environment each time: about a tenth of a cached read's CPU.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.service = state
    app.state.settings = settings
    app.state.tokens = state.tokens
    install_error_handlers(app, error_renderer)

    # add_middleware wraps, so the last one added runs first on the way in.
    app.add_middleware(
        BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes, per_path=body_limits
    )
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
    add_health_routes(app)
    if state.tokens is not None and state.tokens.keys.jwks()["keys"]:
        app.include_router(jwks_router)
    for router in routers:
        _document_body_errors(router, body_errors)
        app.include_router(router)
    return app


def _make_room_for_requests_in_flight() -> None:
    young, *older = gc.get_threshold()
    gc.set_threshold(max(young, GC_YOUNG_OBJECTS), *older)


def _check_opt_ins(settings: CoreSettings, *, database: bool, redis: bool, accounts: bool) -> None:
    """A service that asks for a backend must carry that backend's settings."""
    if database and not isinstance(settings, MongoSettings):
        raise ConfigError("database=True needs settings that include MongoSettings")
    if redis and not isinstance(settings, RedisSettings):
        raise ConfigError("redis=True needs settings that include RedisSettings")
    if accounts and not (database and isinstance(settings, AccountSettings)):
        raise ConfigError("accounts=True needs a database and AccountSettings")


def _expose_legacy_state(app: FastAPI, state: ServiceState) -> None:
    # The projects' own code reads these names; new code uses `service_state(app)`.
    app.state.mongo = state.mongo
    app.state.db = state.mongo.db if state.mongo else None
    app.state.redis = state.redis
    app.state.refresh_tokens = state.refresh_tokens
    app.state.rate_limiter = state.rate_limiter
    app.state.guesses = state.guesses


def _document_body_errors(router: APIRouter, responses: Mapping[int | str, dict[str, Any]]) -> None:
    for route in router.routes:
        if isinstance(route, APIRoute) and route.body_field is not None:
            route.responses = {**responses, **route.responses}
