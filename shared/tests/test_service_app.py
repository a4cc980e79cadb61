"""What every service gets from the shared factory: roles, CORS, readiness, limits."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from backend_shared.app import create_service_app
from backend_shared.errors import Problem, RateLimited
from backend_shared.ratelimit import RateLimiter
from backend_shared.settings import BaseServiceSettings
from backend_shared.testing.factories import access_token_for, bearer
from backend_shared.testing.live import free_port
from backend_shared.testing.plugin import running_app

from .conftest import router


async def test_require_roles_lets_only_those_roles_through(
    client: httpx.AsyncClient, app: Any
) -> None:
    customer = access_token_for(app, "u1", roles=frozenset({"customer"}))
    admin = access_token_for(app, "u2", roles=frozenset({"admin"}))
    assert (await client.get("/whoami", headers=bearer(customer))).json() == {
        "id": "u1",
        "roles": ["customer"],
    }
    forbidden = await client.get("/admin", headers=bearer(customer))
    assert forbidden.status_code == 403
    assert forbidden.json()["detail"] == "You do not have permission to do this"
    assert (await client.get("/admin", headers=bearer(admin))).json() == {"hello": "u2"}
    assert (await client.get("/admin")).status_code == 401


async def test_cors_allows_only_configured_origins(settings_values: dict[str, Any]) -> None:
    settings = BaseServiceSettings(**settings_values | {"cors_origins": ["http://app.example"]})
    app = create_service_app(settings, title="t", description="d", routers=[router])
    async with running_app(app) as client:
        allowed = await client.options(
            "/whoami",
            headers={"Origin": "http://app.example", "Access-Control-Request-Method": "GET"},
        )
        other = await client.get("/health", headers={"Origin": "http://evil.example"})
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "http://app.example"
    assert "access-control-allow-origin" not in other.headers


async def test_ready_is_503_when_redis_is_down(settings_values: dict[str, Any]) -> None:
    dead_redis = f"redis://127.0.0.1:{free_port()}/0"
    settings = BaseServiceSettings(**settings_values | {"redis_url": dead_redis})
    async with running_app(create_service_app(settings, title="t", description="d")) as client:
        response = await client.get("/ready")
        live = await client.get("/health")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"mongodb": "ok", "redis": "down"},
    }
    assert live.status_code == 200


@pytest.mark.parametrize("storage", ["memory", "redis"])
async def test_rate_limits_count_in_memory_or_redis(redis_url: str, storage: str) -> None:
    limiter = RateLimiter(redis_url if storage == "redis" else None, namespace="test")
    for _ in range(3):
        await limiter.consume(key="k", limit=3, window_seconds=60)
    with pytest.raises(RateLimited) as refused:
        await limiter.consume(key="k", limit=3, window_seconds=60)
    assert 0 < refused.value.retry_after <= 60
    assert refused.value.headers == {"Retry-After": str(refused.value.retry_after)}
    await limiter.consume(key="another-key", limit=3, window_seconds=60)


async def test_a_project_can_swap_the_error_format_in_one_place(
    settings_values: dict[str, Any],
) -> None:
    def plain_text(problem: Problem) -> Any:
        from fastapi.responses import PlainTextResponse

        return PlainTextResponse(f"{problem.status}: {problem.detail}", status_code=problem.status)

    app = create_service_app(
        BaseServiceSettings(**settings_values),
        title="t",
        description="d",
        routers=[router],
        error_renderer=plain_text,
    )
    async with running_app(app) as client:
        unauthenticated = await client.get("/whoami")
        missing = await client.get("/nowhere")
    assert unauthenticated.text == "401: Not authenticated"
    assert missing.text == "404: Not Found"
