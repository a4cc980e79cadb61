"""A new password ends every earlier session: tokens issued before it are refused on the very
next request, and the PUT /api/user response carries a fresh token that works. Other
changes (bio, image, username, email) end nothing."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable

import httpx
import pytest

from backend_shared.testing.concurrency import release_together
from blog_api.services import users

from .utils import PASSWORD, Call, Member, publish, register

NEW_PASSWORD = "a-much-better-passphrase"


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Token {token}"}


async def _log_in(client: httpx.AsyncClient, member: Member, password: str) -> httpx.Response:
    return await client.post(
        "/api/users/login", json={"user": {"email": member.email, "password": password}}
    )


async def test_a_new_password_ends_every_earlier_session(client: httpx.AsyncClient) -> None:
    jake = await register(client, "jake")
    other_device = (await _log_in(client, jake, PASSWORD)).json()["user"]["token"]
    slug = (await publish(client, jake))["slug"]

    changed = await client.put(
        "/api/user", headers=jake.headers, json={"user": {"password": NEW_PASSWORD}}
    )
    assert changed.status_code == 200, changed.text
    fresh = changed.json()["user"]["token"]
    assert fresh not in (jake.token, other_device)

    for stale in (jake.token, other_device):
        response = await client.get("/api/user", headers=_auth(stale))
        assert response.status_code == 401
        assert response.json() == {"errors": {"token": ["The session has ended; log in again"]}}
        write = await client.post(f"/api/articles/{slug}/favorite", headers=_auth(stale))
        assert write.status_code == 401
        read = await client.get("/api/articles", headers=_auth(stale))
        assert read.status_code == 401
    assert (await client.get(f"/api/articles/{slug}")).json()["article"]["favoritesCount"] == 0

    # The token in the response works, for reads and writes alike.
    me = await client.get("/api/user", headers=_auth(fresh))
    assert me.status_code == 200
    assert me.json()["user"]["username"] == jake.username
    favorite = await client.post(f"/api/articles/{slug}/favorite", headers=_auth(fresh))
    assert favorite.status_code == 200
    # So does a log-in with the new password; the old one is refused.
    assert (await _log_in(client, jake, PASSWORD)).status_code == 401
    login = await _log_in(client, jake, NEW_PASSWORD)
    assert (await client.get("/api/user", headers=_auth(login.json()["user"]["token"]))).is_success


async def test_changing_anything_but_the_password_ends_no_session(
    client: httpx.AsyncClient,
) -> None:
    jake = await register(client, "jake")
    other_device = (await _log_in(client, jake, PASSWORD)).json()["user"]["token"]
    for change in (
        {"bio": "I like to skateboard"},
        {"image": "https://example.com/jake.png"},
        {"username": f"{jake.username}_2", "email": f"2_{jake.email}"},
    ):
        response = await client.put("/api/user", headers=jake.headers, json={"user": change})
        assert response.status_code == 200, response.text
        assert response.json()["user"]["token"] == jake.token
        for token in (jake.token, other_device):
            assert (await client.get("/api/user", headers=_auth(token))).status_code == 200


@pytest.fixture
def hashing_gate(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], None]:
    """`arm(n)`: the next `n` new passwords wait at their hashing until all `n` requests have
    reached it, so that every one of them has passed its token check before any writes."""
    arrived: list[str] = []
    all_in = asyncio.Event()
    armed_for = [0]
    real_hash = users.hash_password

    async def gated_hash(password: str) -> str:
        if armed_for[0]:
            arrived.append(password)
            if len(arrived) == armed_for[0]:
                all_in.set()
            await all_in.wait()
        return await real_hash(password)

    def arm(count: int) -> None:
        armed_for[0] = count

    monkeypatch.setattr(users, "hash_password", gated_hash)
    return arm


async def test_two_password_changes_with_one_token_cannot_both_win(
    client: httpx.AsyncClient, hashing_gate: Callable[[int], None]
) -> None:
    jake = await register(client, "jake")
    hashing_gate(2)
    passwords = ["first-new-password", "second-new-password"]

    def change(password: str) -> Call:
        async def call() -> httpx.Response:
            return await client.put(
                "/api/user", headers=jake.headers, json={"user": {"password": password}}
            )

        return call

    responses = await release_together([change(password) for password in passwords])
    assert Counter(r.status_code for r in responses) == {200: 1, 401: 1}
    [winner] = [r for r in responses if r.status_code == 200]
    [loser] = [r for r in responses if r.status_code == 401]
    assert loser.json() == {"errors": {"token": ["The session has ended; log in again"]}}
    # The winner's token works, and its password is the one that took.
    token = winner.json()["user"]["token"]
    assert (await client.get("/api/user", headers=_auth(token))).status_code == 200
    won, lost = passwords if responses[0] is winner else passwords[::-1]
    assert (await _log_in(client, jake, won)).status_code == 200
    assert (await _log_in(client, jake, lost)).status_code == 401
