"""Favourites are exact: many users at once count once each, and one user twice counts once."""

from __future__ import annotations

import asyncio
from functools import partial

import httpx
import pytest

from backend_shared.testing.concurrency import release_together
from blog_api.services import users

from .utils import publish, register


@pytest.fixture
def cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fifty Argon2 hashes take seconds, and registering is not what these tests are about."""

    async def not_a_real_hash(password: str) -> str:
        return "not-a-real-hash"

    monkeypatch.setattr(users, "hash_password", not_a_real_hash)


@pytest.mark.usefixtures("cheap_hashing")
async def test_fifty_users_favouriting_at_once_make_fifty(client: httpx.AsyncClient) -> None:
    author = await register(client, "author")
    slug = (await publish(client, author))["slug"]
    fans = await asyncio.gather(*(register(client, "fan") for _ in range(50)))

    responses = await release_together(
        [
            partial(client.post, f"/api/articles/{slug}/favorite", headers=fan.headers)
            for fan in fans
        ]
    )

    assert {response.status_code for response in responses} == {200}
    article = (await client.get(f"/api/articles/{slug}")).json()["article"]
    assert article["favoritesCount"] == 50


async def test_one_user_favouriting_twice_counts_once(client: httpx.AsyncClient) -> None:
    author, fan = await register(client, "author"), await register(client, "fan")
    slug = (await publish(client, author))["slug"]

    at_once = await release_together(
        [partial(client.post, f"/api/articles/{slug}/favorite", headers=fan.headers)] * 5
    )
    again = await client.post(f"/api/articles/{slug}/favorite", headers=fan.headers)

    assert {response.status_code for response in [*at_once, again]} == {200}
    assert again.json()["article"]["favoritesCount"] == 1
    assert again.json()["article"]["favorited"] is True
    listed = await client.get("/api/articles", params={"favorited": fan.username})
    assert listed.json()["articlesCount"] == 1

    # Unfavouriting twice is one unfavourite, not a negative count.
    for _ in range(2):
        response = await client.delete(f"/api/articles/{slug}/favorite", headers=fan.headers)
        assert response.json()["article"]["favoritesCount"] == 0
