"""A cache HIT is answered before the route runs: it must still look like every other
response, and must never answer a request that carries a token."""

from __future__ import annotations

import httpx

from .utils import publish, register


async def test_a_hit_carries_what_every_response_carries(client: httpx.AsyncClient) -> None:
    author = await register(client)
    await publish(client, author, tagList=["hits"])
    url = "/api/articles?tag=hits&limit=5"
    miss = await client.get(url)
    hit = await client.get(url, headers={"X-Request-ID": "trace-hit"})
    assert (miss.headers["x-cache"], hit.headers["x-cache"]) == ("MISS", "HIT")
    assert hit.content == miss.content
    assert hit.headers["content-type"] == "application/json"
    assert hit.headers["x-request-id"] == "trace-hit"
    assert hit.headers["x-content-type-options"] == "nosniff"


async def test_a_token_on_a_cached_read_is_checked_not_served_the_cache(
    client: httpx.AsyncClient,
) -> None:
    author = await register(client)
    await publish(client, author)
    for _ in range(2):
        assert (await client.get("/api/articles")).headers["x-cache"] in {"MISS", "HIT"}
    forged = await client.get("/api/articles", headers={"Authorization": "Token abc.def.ghi"})
    assert forged.status_code == 401
    signed_in = await client.get("/api/articles", headers=author.headers)
    assert signed_in.status_code == 200
    assert "x-cache" not in signed_in.headers


async def test_an_invalid_query_is_still_refused_after_valid_ones_were_cached(
    client: httpx.AsyncClient,
) -> None:
    for _ in range(2):
        assert (await client.get("/api/articles?limit=5")).status_code == 200
    assert (await client.get("/api/articles?limit=0")).status_code == 422
