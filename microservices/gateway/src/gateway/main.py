"""gateway's app factory: `uvicorn gateway.main:create_app --factory --port 8000`."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.routing import APIRoute
from opentelemetry.sdk.trace.export import SpanExporter
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from backend_shared.health import Health
from backend_shared.state import service_state
from gateway.config import Settings, get_settings
from gateway.docs import MergedDocs
from gateway.proxy import Proxy, upstream_session
from gateway.ratelimit import FixedWindowLimiter
from gateway.readiness import GatewayReadiness, readiness
from gateway.routes import route_table
from shop_platform.breaker import CircuitBreaker
from shop_platform.service import create_shop_service

DESCRIPTION = """
The shop's only public entry. Every path below is served by the service named in its tag
group; the gateway checks the access token at the edge (identity's JWKS), removes
internal headers a client sent, adds `X-Request-ID` and `traceparent`, applies a timeout
per route (504), a circuit breaker per service (503 at once while open) and a rate limit
per client (429), and streams bodies both ways.
"""

PROXIED_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


def _gateway_router() -> APIRouter:
    router = APIRouter()

    @router.get("/health", tags=["health"], summary="Liveness: the gateway answers")
    async def health() -> Health:
        return Health()

    @router.get(
        "/ready",
        tags=["health"],
        summary="Readiness: Redis, and each upstream's health and breaker",
        responses={503: {"model": GatewayReadiness, "description": "Nothing can be served"}},
    )
    async def ready(request: Request) -> JSONResponse:
        state = service_state(request.app)
        result = await readiness(
            client=request.app.state.http,
            redis=state.redis,
            upstreams=request.app.state.proxy.upstreams,
            breakers=request.app.state.proxy.breakers,
        )
        code = 503 if result.status == "unavailable" else 200
        return JSONResponse(result.model_dump(), status_code=code)

    @router.get("/openapi.json", include_in_schema=False)
    async def openapi(request: Request) -> JSONResponse:
        docs: MergedDocs = request.app.state.docs
        return JSONResponse(await docs.document(request.app.openapi()))

    @router.get("/docs", include_in_schema=False)
    async def swagger(request: Request) -> HTMLResponse:
        return get_swagger_ui_html(openapi_url="/openapi.json", title="shop API (gateway)")

    # The catch-all comes last and is a plain ASGI route (see gateway.proxy).
    router.routes.append(
        Route("/{path:path}", ProxyRoute(), methods=PROXIED_METHODS, include_in_schema=False)
    )
    return router


class ProxyRoute:
    """An ASGI endpoint (an object, so Starlette passes it scope, receive and send as
    they are) that hands each request to the app's Proxy, made at start-up."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        proxy: Proxy = scope["app"].state.proxy
        await proxy(scope, receive, send)


def create_app(
    settings: Settings | None = None,
    *,
    span_exporter: SpanExporter | None = None,
) -> FastAPI:
    settings = settings or get_settings()
    routes = route_table(settings)
    upstreams = {name: url.rstrip("/") for name, url in settings.upstream_urls().items()}

    @asynccontextmanager
    async def proxying(app: FastAPI) -> AsyncIterator[None]:
        # httpx for the gateway's own calls (readiness, docs); aiohttp for the hot hop.
        async with httpx.AsyncClient() as client, upstream_session() as session:
            telemetry = app.state.telemetry
            telemetry.instrument_client(client)
            state = service_state(app)
            rate_limiter = FixedWindowLimiter(
                state.require("redis").client,
                limit=settings.rate_limit_per_minute,
                sync_seconds=settings.rate_limit_sync_seconds,
            )
            app.state.http = client
            app.state.proxy = Proxy(
                settings=settings,
                routes=routes,
                session=session,
                tokens=state.require("tokens"),
                rate_limiter=rate_limiter,
                breakers={
                    name: CircuitBreaker(
                        name,
                        failure_threshold=settings.breaker_failures,
                        open_seconds=settings.breaker_open_seconds,
                    )
                    for name in upstreams
                },
                upstreams=upstreams,
                tracer=telemetry.tracer if telemetry.provider is not None else None,
            )
            app.state.docs = MergedDocs(
                client, upstreams, routes, cache_seconds=settings.docs_cache_seconds
            )
            syncing = asyncio.create_task(rate_limiter.run(), name="rate-limit-sync")
            try:
                yield
            finally:
                syncing.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await syncing

    app = create_shop_service(
        settings,
        title="shop API (gateway)",
        description=DESCRIPTION,
        database=False,
        extra_lifespan=proxying,
        span_exporter=span_exporter,
    )
    # The gateway's own health routes, /openapi.json and /docs replace the shared ones
    # (its /ready reports upstreams, not a database), and its catch-all proxy comes last.
    app.router.routes[:] = [route for route in app.router.routes if not _replaced(route)]
    app.include_router(_gateway_router())
    return app


def _replaced(route: Any) -> bool:
    if getattr(route, "path", None) in {"/openapi.json", "/docs", "/redoc"}:
        return True
    return (
        isinstance(route, APIRoute)
        and route.path in {"/health", "/ready"}
        and route.tags == ["health"]
    )
