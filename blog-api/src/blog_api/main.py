"""blog-api's app factory: `uvicorn blog_api.main:create_app --factory`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from redis.asyncio import Redis

from backend_shared.app import create_service_app
from backend_shared.state import service_state
from blog_api.config import Settings, get_settings
from blog_api.errors import error_responses, render_realworld_errors
from blog_api.responses import serve_cache_hits_first
from blog_api.routers import articles, comments, favorites, profiles, tags, users
from blog_api.services.cache import ResponseCache
from blog_api.services.collections import ensure_indexes

DESCRIPTION = """
The [RealWorld](https://realworld-docs.netlify.app/) ("Conduit") blogging API: users who
follow each other, articles with tags, comments and favourites.

Authenticate with **Authorize**: paste `Token <jwt>`, with the token from
`POST /api/users` or `POST /api/users/login`. Errors are RealWorld's
`{"errors": {"<field>": ["<message>"]}}`.

Anonymous reads of the tags, the article lists and single articles are cached in Redis;
their `X-Cache` header says `HIT` or `MISS`.
"""

OPENAPI_TAGS = [
    {"name": "User and Authentication", "description": "Register, log in, your account"},
    {"name": "Profile", "description": "Other users, and following them"},
    {"name": "Articles", "description": "Lists, the feed, and each article by its slug"},
    {"name": "Comments", "description": "Comments on an article"},
    {"name": "Favorites", "description": "Favouriting an article"},
    {"name": "Tags", "description": "The tags in use"},
]


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def open_cache(app: FastAPI) -> AsyncIterator[None]:
        redis = service_state(app).redis
        # The cache's own connections: no socket timeout (redis-py's default is 5 s), each
        # call has a deadline instead (see ResponseCache).
        client = (
            Redis.from_url(redis.url, socket_connect_timeout=2, socket_timeout=None)
            if redis
            else None
        )
        app.state.cache = ResponseCache(
            client,
            ttl_seconds=settings.cache_ttl_seconds,
            retry_seconds=settings.cache_retry_seconds,
            timeout_seconds=settings.cache_timeout_seconds,
        )
        try:
            yield
        finally:
            if client is not None:
                await client.aclose()

    app = create_service_app(
        settings,
        title="blog-api",
        description=DESCRIPTION,
        routers=[
            users.router,
            profiles.router,
            articles.router,
            comments.router,
            favorites.router,
            tags.router,
        ],
        ensure_indexes=ensure_indexes,
        extra_lifespan=open_cache,
        error_renderer=render_realworld_errors,
        openapi_tags=OPENAPI_TAGS,
        body_error_responses=error_responses(400, 413, invalid="body"),
    )
    serve_cache_hits_first(app)
    return app
