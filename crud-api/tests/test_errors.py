"""Whatever goes wrong, the client gets a clear problem+json answer and no internals."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from backend_shared.testing.plugin import running_app
from crud_api.config import Settings
from crud_api.main import create_app

from .utils import User


async def test_not_found_routes_are_problem_json(client: httpx.AsyncClient) -> None:
    response = await client.get("/no/such/route")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "https://httpstatuses.io/404"
    assert body["title"] == "Not Found"
    assert body["status"] == 404
    assert body["instance"] == "/no/such/route"
    assert body["request_id"] == response.headers["x-request-id"]


async def test_a_wrong_method_is_405(client: httpx.AsyncClient) -> None:
    response = await client.put("/tasks")
    assert response.status_code == 405
    assert response.json()["title"] == "Method Not Allowed"


async def test_malformed_json_is_422_not_500(client: httpx.AsyncClient, alice: User) -> None:
    response = await client.post(
        "/tasks",
        content=b'{"title": "unterminated',
        headers={**alice.headers, "content-type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["type"] == "json_invalid"


async def test_a_json_array_instead_of_an_object_is_422(
    client: httpx.AsyncClient, alice: User
) -> None:
    response = await client.post("/tasks", json=["title"], headers=alice.headers)
    assert response.status_code == 422


@pytest.fixture
def small_body_settings(service_settings: dict[str, Any]) -> Settings:
    return Settings(**service_settings | {"max_body_bytes": 1024})


async def test_a_body_over_the_limit_is_413(small_body_settings: Settings) -> None:
    async with running_app(create_app(small_body_settings)) as client:
        declared = await client.post("/auth/signup", content=b"x" * 2000)
        assert declared.status_code == 413
        assert declared.headers["content-type"] == "application/problem+json"
        assert declared.json()["detail"] == "The request body is larger than 1024 bytes"

        async def chunks() -> AsyncIterator[bytes]:
            for _ in range(4):
                yield b"y" * 600

        streamed = await client.post(
            "/auth/signup", content=chunks(), headers={"content-type": "application/json"}
        )
        assert streamed.status_code == 413


async def test_an_unexpected_error_is_a_logged_500_that_reveals_nothing(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(settings)

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("database password is hunter2")

    async with running_app(app) as client:
        with caplog.at_level(logging.ERROR, logger="backend_shared.errors"):
            response = await client.get("/boom")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert "hunter2" not in response.text
    assert "Traceback" not in response.text
    assert response.json()["detail"] == "An unexpected error occurred; it has been logged"
    [record] = [r for r in caplog.records if r.name == "backend_shared.errors"]
    assert record.exc_info is not None
    assert record.request_id == response.headers["x-request-id"]  # type: ignore[attr-defined]
