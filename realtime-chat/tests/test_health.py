"""Liveness and readiness as an operator sees them."""

import httpx


async def test_ready_reports_mongodb_and_redis(client: httpx.AsyncClient) -> None:
    response = await client.get("/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {"mongodb": "ok", "redis": "ok"}}
