"""JSON responses for the reads the cache may answer. Anonymous reads go through the cache
and say how it went in `X-Cache` (HIT, MISS, or BYPASS when Redis is not there); a signed-in
reader's view is personal (`following`, `favorited`), so it is never cached.

A HIT is written out before FastAPI solves a single dependency: `CachedReadsMiddleware` sits
just outside the router, and for an anonymous GET whose request shape (path and query string) a
route has already turned into a cache scope and variant, it sends the stored bytes as they
are, with one Redis read. Anything else (a shape not seen yet, a miss, Redis down) goes on
to the routes, which validate, load, store, and teach the shape for next time. The shared
middleware (request id, security headers, CORS, the access log) wraps both alike.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from contextvars import ContextVar

from bson import ObjectId
from fastapi import FastAPI, Response
from pydantic import BaseModel
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Receive, Scope, Send

from blog_api.services.cache import CacheStatus, ResponseCache

JSON = "application/json"

# The request shape a cacheable read is answering, set by CachedReadsMiddleware for the route.
_request_key: ContextVar[str | None] = ContextVar("blog_cached_read", default=None)
# The reads `cacheable_json` answers: the tags, the article lists, one article.
_CACHEABLE_PATHS = re.compile(r"^/api/(tags|articles|articles/[^/]+)$")


async def cacheable_json(
    *,
    cache: ResponseCache,
    scope: str,
    variant: str,
    viewer_id: ObjectId | None,
    load: Callable[[], Awaitable[BaseModel]],
) -> Response:
    if viewer_id is not None:
        return Response((await load()).model_dump_json(), media_type=JSON)

    async def load_body() -> bytes:
        return (await load()).model_dump_json().encode()

    if (request_key := _request_key.get()) is not None:
        cache.remember(request_key, scope, variant)
    cached = await cache.read_through(scope, variant, load_body)
    return Response(cached.body, media_type=JSON, headers={"X-Cache": cached.status.value})


def _hit_headers(length: int) -> list[tuple[bytes, bytes]]:
    return [
        (b"content-length", str(length).encode()),
        (b"content-type", JSON.encode()),
        (b"x-cache", CacheStatus.HIT.value.encode()),
    ]


class CachedReadsMiddleware:
    """Answers anonymous cache HITs; passes everything else on to the routes.

    It is the innermost middleware: inside the request id, security headers, CORS and the
    access log, which wrap a HIT like any answer, and before the router, FastAPI's
    exception handling and dependency solving, which a HIT does not need."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not _cacheable(scope):
            await self.app(scope, receive, send)
            return
        cache: ResponseCache = scope["app"].state.cache
        request_key = f"{scope['path']}?{scope['query_string'].decode('latin-1')}"
        read = cache.recall(request_key)
        body = await cache.hit(*read) if read is not None else None
        if body is not None:
            await send(
                {"type": "http.response.start", "status": 200, "headers": _hit_headers(len(body))}
            )
            await send({"type": "http.response.body", "body": body})
            return
        token = _request_key.set(request_key)
        try:
            await self.app(scope, receive, send)
        finally:
            _request_key.reset(token)


def _cacheable(scope: Scope) -> bool:
    return (
        scope["type"] == "http"
        and scope["method"] == "GET"
        and _CACHEABLE_PATHS.match(scope["path"]) is not None
        and not any(key == b"authorization" for key, _ in scope["headers"])
    )


def serve_cache_hits_first(app: FastAPI) -> None:
    # add_middleware would make it the outermost; appended, it is the innermost.
    app.user_middleware.append(Middleware(CachedReadsMiddleware))
