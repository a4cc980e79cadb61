"""A RealWorld front end on another origin can call the API once its origin is allowed."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from blog_api.config import Settings

FRONT_END = "http://localhost:4200"


@pytest.fixture
def settings(service_settings: dict[str, Any]) -> Settings:
    return Settings(cors_origins=FRONT_END, **service_settings)


async def test_the_front_end_origin_may_send_a_token(client: httpx.AsyncClient) -> None:
    preflight = await client.options(
        "/api/articles",
        headers={
            "Origin": FRONT_END,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == FRONT_END
    allowed = preflight.headers["access-control-allow-headers"].lower()
    assert "authorization" in allowed
    assert "content-type" in allowed

    response = await client.get("/api/tags", headers={"Origin": FRONT_END})
    assert response.headers["access-control-allow-origin"] == FRONT_END


async def test_other_origins_get_no_cors_grant(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/tags", headers={"Origin": "https://evil.example"})
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers
