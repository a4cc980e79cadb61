"""The reverse proxy: check the caller at the edge, pick the upstream, forward the request
with the gateway's own headers, and stream both bodies through without buffering them.

Headers a client must never choose are removed before anything else: hop-by-hop headers,
and any internal identity header (`X-User-Id`, `X-User-Roles`, `X-Internal-*`...), so a
service that one day trusted such a header could not be fooled through the gateway. (The
services here trust none: each verifies the token itself.)

Every request pays for this hop, so it is written close to the wire: the proxy is a plain
ASGI app (no FastAPI request parsing or dependency solving for a route that has no
parameters to parse) and the upstream client is aiohttp, whose HTTP parser is written in C.
Measured with one small response (`bench/hop_client.py`): httpx's pure-Python client
spends about 0.5 ms of CPU per call, aiohttp about 0.1 ms."""

from __future__ import annotations

import logging
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
from multidict import CIMultiDict
from opentelemetry import trace
from starlette.types import Receive, Scope, Send
from yarl import URL

from backend_shared.auth.tokens import TokenService
from backend_shared.deps import resolve_client_address
from backend_shared.errors import (
    AppError,
    BadRequest,
    NotFound,
    ServiceUnavailable,
    Unauthorized,
)
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
# A response this small with a known length is read whole and sent in one message;
# anything larger (or of unknown length) is streamed chunk by chunk.
SEND_WHOLE_BYTES = 64 * 1024


class GatewayTimeout(AppError):
    status, code = 504, "gateway_timeout"


class ClientWentAway(Exception):
    """The client disconnected before its whole body was sent on: its failure, not the
    upstream's, so it must not count against the upstream's circuit breaker."""


def is_internal(name: str) -> bool:
    return name in INTERNAL_EXACT or name.startswith(INTERNAL_PREFIXES)


def upstream_session(*, max_connections: int = 500) -> aiohttp.ClientSession:
    """The gateway's one client for every upstream: pooled keep-alive connections.

    A proxy must pass requests and responses through as they are, so the session adds
    nothing of its own: no cookie jar (one shared by every caller would hand one user's
    cookies to the next), no default `Accept`/`Accept-Encoding`/`User-Agent`/
    `Content-Type`, and no decompression (the client asked for the encoding it gets)."""
    connector = aiohttp.TCPConnector(
        limit=max_connections,
        # Below uvicorn's 5 s keep-alive, so the gateway never reuses a connection the
        # upstream is closing at that moment.
        keepalive_timeout=4.0,
    )
    return aiohttp.ClientSession(
        connector=connector,
        cookie_jar=aiohttp.DummyCookieJar(),
        skip_auto_headers=("Accept", "Accept-Encoding", "User-Agent", "Content-Type"),
        auto_decompress=False,
    )


@dataclass(slots=True)
class Proxy:
    """The gateway's catch-all route, as an ASGI app."""

    settings: Settings
    routes: list[Route]
    session: aiohttp.ClientSession
    tokens: TokenService
    rate_limiter: FixedWindowLimiter
    breakers: dict[str, CircuitBreaker]
    upstreams: dict[str, str]
    tracer: trace.Tracer | None = None  # set when tracing is on: a span per upstream call

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        method: str = scope["method"]
        path: str = scope["path"]
        headers = _header_map(scope)
        client = scope.get("client")
        address = resolve_client_address(
            client[0] if client else "unknown",
            headers.get("x-forwarded-for"),
            self.settings.trusted_proxies,
        )
        self.rate_limiter.consume(address)
        route = find_route(self.routes, method, path)
        if route is None:
            raise NotFound("No service answers this path")
        await self._check_token(headers.get("authorization"), route)
        breaker = self.breakers[route.upstream]
        breaker.before_call()
        if self.tracer is None:
            await self._forward(scope, receive, send, route, breaker, headers, address)
            return
        with self.tracer.start_as_current_span(
            f"{method} {route.upstream}",
            kind=trace.SpanKind.CLIENT,
            attributes={"http.request.method": method, "server.address": route.upstream},
        ):
            await self._forward(scope, receive, send, route, breaker, headers, address)

    async def _forward(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        route: Route,
        breaker: CircuitBreaker,
        headers: dict[str, str],
        address: str,
    ) -> None:
        timeout = aiohttp.ClientTimeout(
            total=None,
            sock_connect=min(2.0, route.timeout_seconds),
            # Each wait for the upstream's bytes, the first of them (its answer) included.
            sock_read=route.timeout_seconds,
        )
        try:
            upstream = await self.session.request(
                scope["method"],
                self._upstream_url(scope, route),
                headers=self._forwarded_headers(scope, address),
                data=_request_body(receive) if _has_body(headers) else None,
                timeout=timeout,
                allow_redirects=False,
            )
        except TimeoutError:
            breaker.record_failure()
            raise GatewayTimeout(
                f"{route.upstream} did not answer within {route.timeout_seconds:g} s"
            ) from None
        except aiohttp.ClientError as exc:
            if isinstance(exc.__cause__, ClientWentAway):  # aiohttp wraps the body's error
                raise BadRequest("The request body ended before it was complete") from None
            breaker.record_failure()
            logger.warning("%s is unreachable: %s", route.upstream, exc)
            raise ServiceUnavailable(
                f"{route.upstream} is unavailable", headers={"Retry-After": "1"}
            ) from None
        breaker.record_success()
        try:
            await self._relay_response(upstream, send)
        finally:
            upstream.release()

    async def _relay_response(self, upstream: aiohttp.ClientResponse, send: Send) -> None:
        headers = [
            (name, value)
            for name, value in upstream.raw_headers
            if name.lower().decode("latin-1") not in DROPPED_RESPONSE
        ]
        await send({"type": "http.response.start", "status": upstream.status, "headers": headers})
        length = upstream.content_length
        if length is not None and length <= SEND_WHOLE_BYTES:
            await send({"type": "http.response.body", "body": await upstream.read()})
            return
        async for chunk in upstream.content.iter_any():
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b""})

    def _upstream_url(self, scope: Scope, route: Route) -> URL:
        """The same path and query, byte for byte, on the upstream."""
        raw_path: bytes = scope.get("raw_path") or scope["path"].encode()
        query: bytes = scope.get("query_string", b"")
        url = self.upstreams[route.upstream] + raw_path.decode("latin-1")
        if query:
            url = f"{url}?{query.decode('latin-1')}"
        return URL(url, encoded=True)

    async def _check_token(self, authorization: str | None, route: Route) -> None:
        if authorization is None:
            if route.auth is EdgeAuth.REQUIRED:
                raise Unauthorized("Not authenticated")
            return
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise Unauthorized("Not authenticated")
        await self.tokens.verify(token)

    def _forwarded_headers(self, scope: Scope, address: str) -> CIMultiDict[str]:
        headers: CIMultiDict[str] = CIMultiDict()
        host = ""
        has_traceparent = False
        for raw_name, raw_value in scope["headers"]:
            name = raw_name.decode("latin-1")
            if name == "host":
                host = raw_value.decode("latin-1")
            if name in HOP_BY_HOP or is_internal(name) or name == "x-request-id":
                continue
            has_traceparent = has_traceparent or name == "traceparent"
            headers.add(name, raw_value.decode("latin-1"))
        headers.add("x-forwarded-for", address)
        headers.add("x-forwarded-proto", scope.get("scheme", "http"))
        headers.add("x-forwarded-host", host)
        request_id = request_id_var.get()
        if request_id is not None:
            headers.add("x-request-id", request_id)
        traceparent = current_traceparent()
        if traceparent is not None:
            # Tracing on: the upstream's spans are children of this call's span.
            headers["traceparent"] = traceparent
        elif not has_traceparent:
            # Tracing off: start one anyway, so the services' logs can still be joined.
            headers.add("traceparent", _new_traceparent())
        return headers


def _header_map(scope: Scope) -> dict[str, str]:
    """The request's headers by name (the last one of a repeated name; only single-valued
    headers are looked up here)."""
    return {name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]}


def _has_body(headers: dict[str, str]) -> bool:
    length = headers.get("content-length")
    return (length is not None and length != "0") or "transfer-encoding" in headers


async def _request_body(receive: Receive) -> AsyncIterator[bytes]:
    """The client's body as it arrives, for aiohttp to send on (with the client's
    Content-Length when it gave one, chunked otherwise)."""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientWentAway
        body: bytes = message.get("body", b"")
        if body:
            yield body
        if not message.get("more_body", False):
            return


def _new_traceparent() -> str:
    return f"00-{secrets.token_hex(16)}-{secrets.token_hex(8)}-01"
