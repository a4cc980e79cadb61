"""The reverse proxy: check the caller at the edge, pick the upstream, forward the request
with the gateway's own headers, and stream both bodies through without buffering them.

Headers a client must never choose are removed before anything else: hop-by-hop headers,
and any internal identity header (`X-User-Id`, `X-User-Roles`, `X-Internal-*`...), so a
service that one day trusted such a header could not be fooled through the gateway. (The
services here trust none: each verifies the token itself.)"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

import httpx
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import StreamingResponse

from backend_shared.auth.tokens import TokenService
from backend_shared.deps import resolve_client_address
from backend_shared.errors import AppError, NotFound, ServiceUnavailable, Unauthorized
from backend_shared.logs import request_id_var
from gateway.config import Settings
from gateway.ratelimit import FixedWindowLimiter
from gateway.routes import EdgeAuth, Route, find_route
from shop_platform.breaker import CircuitBreaker
from shop_platform.telemetry import current_traceparent

logger = logging.getLogger("gateway.proxy")

HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "host",
    }
)
INTERNAL_EXACT = frozenset({"x-user-id", "x-user-roles", "x-user-email", "x-authenticated-user"})
INTERNAL_PREFIXES = ("x-internal-", "x-user-", "x-forwarded-")
# The gateway's own RequestContextMiddleware adds X-Request-ID to every answer.
DROPPED_RESPONSE = HOP_BY_HOP | {"x-request-id"}


class GatewayTimeout(AppError):
    status, code = 504, "gateway_timeout"


def is_internal(name: str) -> bool:
    return name in INTERNAL_EXACT or name.startswith(INTERNAL_PREFIXES)


@dataclass(slots=True)
class Proxy:
    settings: Settings
    routes: list[Route]
    client: httpx.AsyncClient
    tokens: TokenService
    rate_limiter: FixedWindowLimiter
    breakers: dict[str, CircuitBreaker]
    upstreams: dict[str, str]

    async def handle(self, request: Request) -> StreamingResponse:
        method, path = request.method, request.url.path
        address = resolve_client_address(
            request.client.host if request.client else "unknown",
            request.headers.get("x-forwarded-for"),
            self.settings.trusted_proxies,
        )
        await self.rate_limiter.consume(address)
        route = find_route(self.routes, method, path)
        if route is None:
            raise NotFound("No service answers this path")
        await self._check_token(request, route)
        breaker = self.breakers[route.upstream]
        breaker.before_call()
        upstream_request = self.client.build_request(
            method,
            self._upstream_url(request, route),
            headers=self._forwarded_headers(request, address),
            content=request.stream() if _has_body(request) else None,
            timeout=httpx.Timeout(route.timeout_seconds, connect=min(2.0, route.timeout_seconds)),
        )
        try:
            response = await self.client.send(upstream_request, stream=True)
        except httpx.TimeoutException:
            breaker.record_failure()
            raise GatewayTimeout(
                f"{route.upstream} did not answer within {route.timeout_seconds:g} s"
            ) from None
        except httpx.TransportError as exc:
            breaker.record_failure()
            logger.warning("%s is unreachable: %s", route.upstream, exc)
            raise ServiceUnavailable(
                f"{route.upstream} is unavailable", headers={"Retry-After": "1"}
            ) from None
        breaker.record_success()
        headers = {
            name: value
            for name, value in response.headers.multi_items()
            if name.lower() not in DROPPED_RESPONSE
        }
        return StreamingResponse(
            response.aiter_raw(),
            status_code=response.status_code,
            headers=headers,
            background=BackgroundTask(response.aclose),
        )

    def _upstream_url(self, request: Request, route: Route) -> str:
        """The same path and query, byte for byte, on the upstream."""
        raw_path: bytes = request.scope.get("raw_path") or request.url.path.encode()
        query: bytes = request.scope.get("query_string", b"")
        url = self.upstreams[route.upstream] + raw_path.decode("latin-1")
        return f"{url}?{query.decode('latin-1')}" if query else url

    async def _check_token(self, request: Request, route: Route) -> None:
        authorization = request.headers.get("authorization")
        if authorization is None:
            if route.auth is EdgeAuth.REQUIRED:
                raise Unauthorized("Not authenticated")
            return
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise Unauthorized("Not authenticated")
        await self.tokens.verify(token)

    def _forwarded_headers(self, request: Request, address: str) -> list[tuple[str, str]]:
        headers = [
            (name, value)
            for name, value in request.headers.items()
            if name not in HOP_BY_HOP and not is_internal(name) and name != "x-request-id"
        ]
        headers += [
            ("x-forwarded-for", address),
            ("x-forwarded-proto", request.url.scheme),
            ("x-forwarded-host", request.headers.get("host", "")),
        ]
        request_id = request_id_var.get()
        if request_id is not None:
            headers.append(("x-request-id", request_id))
        if not any(name == "traceparent" for name, _ in headers):
            # With tracing on, the instrumented client sets it; without, start one here so
            # the services' logs can still be joined.
            headers.append(("traceparent", current_traceparent() or _new_traceparent()))
        return headers


def _has_body(request: Request) -> bool:
    length = request.headers.get("content-length")
    return (length is not None and length != "0") or "transfer-encoding" in request.headers


def _new_traceparent() -> str:
    return f"00-{secrets.token_hex(16)}-{secrets.token_hex(8)}-01"
