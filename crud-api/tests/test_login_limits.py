"""Brute force protection: 5 failed log-ins per account or per address in 15 minutes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from backend_shared.testing.factories import unique_email

from .utils import PASSWORD, User


@asynccontextmanager
async def from_address(app: Any, address: str) -> AsyncIterator[httpx.AsyncClient]:
    """A client whose requests come from `address` (the app is already running)."""
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def _fail(client: httpx.AsyncClient, email: str) -> httpx.Response:
    return await client.post("/auth/login", json={"email": email, "password": "wrong-password"})


async def test_five_failures_lock_the_account_even_for_the_right_password(
    client: httpx.AsyncClient, app: Any, alice: User
) -> None:
    for _ in range(5):
        assert (await _fail(client, alice.email)).status_code == 401
    # The attacker moves to a new address; the account's own counter still holds.
    async with from_address(app, "198.51.100.20") as elsewhere:
        locked = await elsewhere.post(
            "/auth/login", json={"email": alice.email, "password": PASSWORD}
        )
    assert locked.status_code == 429
    assert 0 < int(locked.headers["retry-after"]) <= 15 * 60
    assert locked.json()["status"] == 429


async def test_five_failures_from_one_address_block_that_address_only(
    client: httpx.AsyncClient, app: Any, alice: User
) -> None:
    async with from_address(app, "198.51.100.30") as attacker:
        for _ in range(5):
            assert (await _fail(attacker, unique_email())).status_code == 401
        blocked = await attacker.post(
            "/auth/login", json={"email": alice.email, "password": PASSWORD}
        )
    assert blocked.status_code == 429
    async with from_address(app, "198.51.100.31") as someone_else:
        allowed = await someone_else.post(
            "/auth/login", json={"email": alice.email, "password": PASSWORD}
        )
    assert allowed.status_code == 200


async def test_a_correct_login_does_not_reset_another_address_counter(
    client: httpx.AsyncClient, app: Any, alice: User
) -> None:
    async with from_address(app, "198.51.100.40") as attacker:
        for _ in range(4):
            assert (await _fail(attacker, unique_email())).status_code == 401
        async with from_address(app, "198.51.100.41") as owner:
            ok = await owner.post("/auth/login", json={"email": alice.email, "password": PASSWORD})
            assert ok.status_code == 200
        assert (await _fail(attacker, unique_email())).status_code == 401  # the 5th failure
        sixth = await _fail(attacker, unique_email())
    assert sixth.status_code == 429
