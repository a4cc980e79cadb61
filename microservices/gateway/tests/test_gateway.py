"""What the gateway does to each request on its way through, and what it answers itself
when an upstream cannot."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import httpx

from backend_shared.testing.plugin import running_app
from gateway.config import Settings
from gateway.main import create_app
from shop_platform.testing import IdentityKeys

from .conftest import BIG_CHUNKS, Upstream


async def test_a_path_goes_to_its_service_with_its_query(
    client: httpx.AsyncClient, upstream: Upstream
) -> None:
    response = await client.get("/products?sku=MUG&sku=CUP")
    assert response.status_code == 200
    assert response.json() == {"path": "/products", "query": "sku=MUG&sku=CUP"}


async def test_a_path_no_service_serves_is_a_404_problem(client: httpx.AsyncClient) -> None:
    for path in ("/nowhere", "/productsXYZ"):
        response = await client.get(path)
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"


async def test_internal_identity_headers_from_a_client_never_reach_a_service(
    client: httpx.AsyncClient, upstream: Upstream, keys: IdentityKeys
) -> None:
    forged = {
        "X-User-Id": "665f1c2ab1e4c2a1d3f0e9b7",
        "X-User-Roles": "admin",
        "X-Internal-Caller": "orders",
        "X-Forwarded-For": "10.0.0.1",
    }
    response = await client.get("/products", headers={**forged, **keys.headers()})

    [seen] = upstream.seen
    assert not {"x-user-id", "x-user-roles", "x-internal-caller"} & set(seen)
    assert seen["x-forwarded-for"] == "203.0.113.7"  # the real peer, not the client's claim
    assert seen["x-request-id"] == response.headers["x-request-id"]
    assert seen["traceparent"].startswith("00-")
    assert seen["authorization"].startswith("Bearer ")


async def test_a_bad_token_is_refused_at_the_edge(
    client: httpx.AsyncClient, upstream: Upstream, keys: IdentityKeys
) -> None:
    stranger = IdentityKeys()  # a key identity never published
    assert (await client.get("/products", headers=stranger.headers())).status_code == 401
    expired = keys.headers(exp=int(time.time()) - 10)
    assert (await client.get("/products", headers=expired)).status_code == 401
    other = keys.headers(audiences=["orders"])  # not for the gateway
    assert (await client.get("/products", headers=other)).status_code == 401
    assert (await client.get("/cart")).status_code == 401  # a route that needs a token
    assert upstream.seen == []


async def test_a_public_route_needs_no_token(client: httpx.AsyncClient, upstream: Upstream) -> None:
    assert (await client.get("/products")).status_code == 200


async def test_an_upstream_slower_than_the_route_allows_is_a_504(
    client: httpx.AsyncClient,
) -> None:
    started = time.monotonic()
    response = await client.get("/products/hang")
    assert response.status_code == 504
    assert response.json()["detail"] == "catalog did not answer within 0.5 s"
    assert time.monotonic() - started < 5


async def test_a_dead_upstream_opens_its_breaker_and_the_others_keep_working(
    client: httpx.AsyncClient, keys: IdentityKeys
) -> None:
    headers = keys.headers()
    first = [await client.get("/notifications", headers=headers) for _ in range(2)]
    assert [r.json()["detail"] for r in first] == ["notifier is unavailable"] * 2
    refused = await client.get("/notifications", headers=headers)
    assert refused.status_code == 503
    assert refused.json()["detail"] == "notifier is unavailable (circuit open); retry shortly"
    assert int(refused.headers["retry-after"]) > 0
    assert (await client.get("/products")).status_code == 200

    ready = (await client.get("/ready")).json()
    assert ready["status"] == "degraded"
    assert ready["upstreams"]["notifier"] == {"status": "down", "breaker": "open"}
    assert ready["upstreams"]["catalog"] == {"status": "ok", "breaker": "closed"}


async def test_bodies_stream_through_both_ways(
    client: httpx.AsyncClient, keys: IdentityKeys
) -> None:
    async def upload() -> AsyncIterator[bytes]:
        for number in range(8):
            yield bytes([number]) * 50_000

    echoed = await client.post("/orders/echo", content=upload(), headers=keys.headers())
    assert echoed.json()["bytes"] == 8 * 50_000

    big = await client.get("/products/big")
    assert len(big.content) == BIG_CHUNKS * 65536
    assert big.content[-1] == BIG_CHUNKS - 1


async def test_a_client_over_its_rate_limit_gets_429(settings_values: dict[str, Any]) -> None:
    app = create_app(Settings(**{**settings_values, "rate_limit_per_minute": 3}))
    async with running_app(app) as client:
        answers = [(await client.get("/products")).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]


async def test_docs_show_every_services_api_in_one_document(client: httpx.AsyncClient) -> None:
    document = (await client.get("/openapi.json")).json()
    assert "/products" in document["paths"]
    assert "/orders/echo" in document["paths"]
    assert "/health" in document["paths"]  # the gateway's own
    assert "**Not shown now** (did not answer): notifier." in document["info"]["description"]
    html = await client.get("/docs")
    assert "swagger-ui" in html.text


async def test_clients_that_hang_up_mid_upload_do_not_open_the_services_breaker(
    app: Any, client: httpx.AsyncClient, keys: IdentityKeys
) -> None:
    # Straight to the ASGI app: a client that sends one chunk of its body, then disconnects.
    headers = [(b"host", b"gateway"), (b"transfer-encoding", b"chunked")] + [
        (name.lower().encode(), value.encode()) for name, value in keys.headers().items()
    ]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/orders/echo",
        "raw_path": b"/orders/echo",
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("203.0.113.9", 50000),
        "server": ("gateway", 80),
    }

    async def hang_up_mid_upload() -> int:
        messages = iter(
            [
                {"type": "http.request", "body": b"x" * 1000, "more_body": True},
                {"type": "http.disconnect"},
            ]
        )
        started: list[int] = []

        async def receive() -> dict[str, Any]:
            return next(messages)

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                started.append(message["status"])

        await app(dict(scope), receive, send)
        return started[0]

    # More than BREAKER_FAILURES (2) of them: each is the client's doing, not orders'.
    assert [await hang_up_mid_upload() for _ in range(3)] == [400, 400, 400]
    echoed = await client.post("/orders/echo", content=b"whole", headers=keys.headers())
    assert echoed.status_code == 200
    assert echoed.json()["bytes"] == 5
