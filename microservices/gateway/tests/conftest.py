"""The gateway in front of a fake upstream (a real server on a loopback port) that
records what reached it; `notifier` points at a port where nothing listens."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import StreamingResponse

from backend_shared.testing.live import live_server
from gateway.config import Settings
from gateway.main import create_app
from shop_platform.devservers import free_port
from shop_platform.testing import IdentityKeys

BIG_CHUNKS = 64  # x 64 KiB: a 4 MiB response


class Upstream:
    def __init__(self) -> None:
        self.seen: list[dict[str, str]] = []
        self.app = FastAPI(title="fake")
        hang = asyncio.Event()

        @self.app.get("/health")
        async def health() -> dict[str, str]:
            return {"status": "ok"}

        @self.app.get("/products")
        async def products(request: Request) -> dict[str, Any]:
            self.seen.append(dict(request.headers))
            return {"path": request.url.path, "query": request.url.query}

        @self.app.get("/products/hang")
        async def hung() -> None:
            await hang.wait()  # never set: an upstream that stopped answering

        @self.app.post("/orders/echo")
        async def echo(request: Request) -> dict[str, Any]:
            chunks = [len(chunk) async for chunk in request.stream() if chunk]
            return {"bytes": sum(chunks), "chunks": len(chunks)}

        @self.app.get("/products/big")
        async def big() -> StreamingResponse:
            async def chunks() -> AsyncIterator[bytes]:
                for number in range(BIG_CHUNKS):
                    yield bytes([number]) * 65536

            return StreamingResponse(chunks(), media_type="application/octet-stream")


@pytest.fixture(scope="session")
def upstream() -> Iterator[Upstream]:
    fake = Upstream()
    with live_server(fake.app) as url:
        fake.url = url  # type: ignore[attr-defined]
        yield fake


@pytest.fixture
def keys() -> IdentityKeys:
    return IdentityKeys()


@pytest.fixture
def settings_values(
    service_settings: dict[str, Any], keys: IdentityKeys, upstream: Upstream
) -> dict[str, Any]:
    upstream.seen.clear()
    url = upstream.url  # type: ignore[attr-defined]
    return {
        **service_settings,
        **keys.verifier_settings(),
        "identity_url": url,
        "catalog_url": url,
        "orders_url": url,
        "notifier_url": f"http://127.0.0.1:{free_port()}",
        "upstream_timeout_seconds": 0.5,
        "breaker_failures": 2,
        "breaker_open_seconds": 60,
        "docs_cache_seconds": 0,
    }


@pytest.fixture
def app(settings_values: dict[str, Any]) -> Any:
    return create_app(Settings(**settings_values))
