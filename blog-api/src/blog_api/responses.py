"""JSON responses for the reads the cache may answer. Anonymous reads go through the cache
and say how it went in `X-Cache` (HIT, MISS, or BYPASS when Redis is not there); a signed-in
reader's view is personal (`following`, `favorited`), so it is never cached.

A HIT is written out before FastAPI solves a single dependency: `CachedReadsRoute` sits first
in the app's routes, and for an anonymous GET whose request shape (path and query string) a
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
from starlette.routing import BaseRoute, Match
from starlette.types import Receive, Scope, Send

from blog_api.services.cache import CacheStatus, ResponseCache

JSON = "application/json"

# The request shape a cacheable read is answering, set by CachedReadsRoute for the route.
_request_key: ContextVar[str | None] = ContextVar("blog_cached_read", default=None)
_PASSED_ON = "blog_api.cached_reads_passed_on"
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


class CachedReadsRoute(BaseRoute):
    """Answers anonymous cache HITs first; passes everything else to the other routes."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or _PASSED_ON in scope
            or _CACHEABLE_PATHS.match(scope["path"]) is None
            or any(key == b"authorization" for key, _ in scope["headers"])
        ):
            return Match.NONE, {}
        return Match.FULL, {}

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        cache: ResponseCache = self.app.state.cache
        request_key = f"{scope['path']}?{scope['query_string'].decode('latin-1')}"
        read = cache.recall(request_key)
        body = await cache.hit(*read) if read is not None else None
        if body is not None:
            await send(
                {"type": "http.response.start", "status": 200, "headers": _hit_headers(len(body))}
            )
            await send({"type": "http.response.body", "body": body})
            return
        scope[_PASSED_ON] = True
        token = _request_key.set(request_key)
        try:
            await self.app.router.app(scope, receive, send)
        finally:
            _request_key.reset(token)


def serve_cache_hits_first(app: FastAPI) -> None:
    app.router.routes.insert(0, CachedReadsRoute(app))
