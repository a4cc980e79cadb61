"""blog-api fixtures: an app on a fresh database per test, and `api`, the client the
RealWorld scenarios use: in-process by default, or a running server when `BLOG_API_URL` is
set (`BLOG_API_URL=http://127.0.0.1:8000 uv run pytest blog-api/tests/realworld`)."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from blog_api.config import Settings
from blog_api.main import create_app


@pytest.fixture
def settings(service_settings: dict[str, Any]) -> Settings:
    return Settings(**service_settings)


@pytest.fixture
def app(settings: Settings) -> Any:
    return create_app(settings)


@pytest.fixture
async def live_api() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=os.environ["BLOG_API_URL"], timeout=30) as client:
        yield client


@pytest.fixture
def api(request: pytest.FixtureRequest) -> httpx.AsyncClient:
    """A client on the server root (tests call `/api/...`)."""
    name = "live_api" if os.environ.get("BLOG_API_URL") else "client"
    client: httpx.AsyncClient = request.getfixturevalue(name)
    return client


@pytest.fixture
def uid() -> str:
    """A unique suffix per test, like Hurl's {{uid}}, so runs never collide."""
    return uuid.uuid4().hex[:12]
