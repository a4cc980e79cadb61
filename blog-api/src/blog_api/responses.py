"""JSON responses for the reads the cache may answer. Anonymous reads go through the cache
and say how it went in `X-Cache` (HIT, MISS, or BYPASS when Redis is not there); a signed-in
reader's view is personal (`following`, `favorited`), so it is never cached."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bson import ObjectId
from fastapi import Response
from pydantic import BaseModel

from blog_api.services.cache import ResponseCache

JSON = "application/json"


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

    cached = await cache.read_through(scope, variant, load_body)
    return Response(cached.body, media_type=JSON, headers={"X-Cache": cached.status.value})
