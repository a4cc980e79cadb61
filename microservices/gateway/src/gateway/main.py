"""gateway's app factory: `uvicorn gateway.main:create_app --factory --port 8000`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.routing import APIRoute
from opentelemetry.sdk.trace.export import SpanExporter
from starlette.responses import Response

from backend_shared.health import Health
from backend_shared.health import router as shared_health
from backend_shared.state import service_state
from gateway.config import Settings, get_settings
from gateway.docs import MergedDocs
from gateway.proxy import Proxy
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

    @router.api_route("/{path:path}", methods=PROXIED_METHODS, include_in_schema=False)
    async def proxy(request: Request) -> Response:
        forward: Proxy = request.app.state.proxy
        return await forward.handle(request)

    return router


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
        limits = httpx.Limits(max_connections=500, max_keepalive_connections=100)
        async with httpx.AsyncClient(limits=limits) as client:
            app.state.telemetry.instrument_client(client)
            state = service_state(app)
            app.state.http = client
            app.state.proxy = Proxy(
                settings=settings,
                routes=routes,
                client=client,
                tokens=state.require("tokens"),
                rate_limiter=FixedWindowLimiter(
                    state.require("redis").client, limit=settings.rate_limit_per_minute
                ),
                breakers={
                    name: CircuitBreaker(
                        name,
                        failure_threshold=settings.breaker_failures,
                        open_seconds=settings.breaker_open_seconds,
                    )
                    for name in upstreams
                },
                upstreams=upstreams,
            )
            app.state.docs = MergedDocs(
                client, upstreams, routes, cache_seconds=settings.docs_cache_seconds
            )
            yield

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
    if isinstance(route, APIRoute):  # FastAPI versions that copy included routes
        return route.path in {"/health", "/ready"} and route.tags == ["health"]
    return getattr(route, "original_router", None) is shared_health
