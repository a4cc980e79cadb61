"""Brute force protection: password guesses are counted before they are checked, per
account and address (5), per account (settings: 8 here) and per address (settings: 12
here), and an attacker elsewhere never locks the owner out of their own address."""

from __future__ import annotations

from collections import Counter
from typing import Any

import httpx
import pytest

from backend_shared.testing.concurrency import release_together
from backend_shared.testing.factories import unique_email
from backend_shared.testing.login_limits import count_password_checks, from_address
from crud_api.config import Settings

from .utils import PASSWORD, User


@pytest.fixture
def settings(service_settings: dict[str, Any]) -> Settings:
    return Settings(
        **service_settings,
        login_account_max_failures=8,
        login_address_max_failures=12,
        trusted_proxies=["10.0.0.0/8"],
    )


async def _login(client: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    return await client.post("/auth/login", json={"email": email, "password": password})


async def _fail(client: httpx.AsyncClient, email: str) -> httpx.Response:
    return await _login(client, email, "wrong-password")


async def test_forty_one_parallel_guesses_evaluate_only_five(
    client: httpx.AsyncClient, alice: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked = count_password_checks(monkeypatch)
    calls = [lambda: _fail(client, alice.email) for _ in range(40)]
    calls.append(lambda: _login(client, alice.email, PASSWORD))
    statuses = Counter(response.status_code for response in await release_together(calls))
    assert statuses[429] == 36
    assert statuses[401] + statuses[200] == 5
    assert checked.count == 5  # the other 36 never reached the password check


async def test_an_attacker_elsewhere_does_not_lock_the_owner_out(
    client: httpx.AsyncClient, app: Any, alice: User
) -> None:
    async with from_address(app, "198.51.100.20") as attacker:
        for _ in range(5):
            assert (await _fail(attacker, alice.email)).status_code == 401
        locked = await _login(attacker, alice.email, PASSWORD)
    assert locked.status_code == 429
    assert 0 < int(locked.headers["retry-after"]) <= 15 * 60
    assert locked.json()["status"] == 429
    # The owner, at home, still logs in: the attacker spent their own budget.
    assert (await _login(client, alice.email, PASSWORD)).status_code == 200


async def test_guesses_from_many_addresses_hit_the_account_ceiling(
    client: httpx.AsyncClient, app: Any, alice: User
) -> None:
    for attempt in range(8):
        async with from_address(app, f"198.51.100.{50 + attempt}") as attacker:
            assert (await _fail(attacker, alice.email)).status_code == 401
    async with from_address(app, "198.51.100.99") as attacker:
        assert (await _fail(attacker, alice.email)).status_code == 429


async def test_made_up_emails_from_one_address_do_not_lock_out_its_other_users(
    client: httpx.AsyncClient, app: Any, alice: User
) -> None:
    async with from_address(app, "198.51.100.30") as office:
        for _ in range(5):
            assert (await _fail(office, unique_email())).status_code == 401
        # A colleague behind the same NAT is not affected by someone else's typos.
        assert (await _login(office, alice.email, PASSWORD)).status_code == 200
        for _ in range(7):
            assert (await _fail(office, unique_email())).status_code == 401
        # ...until the address itself has sprayed past its ceiling (12 here).
        assert (await _fail(office, unique_email())).status_code == 429


async def test_a_correct_password_gives_its_guess_back(
    client: httpx.AsyncClient, alice: User
) -> None:
    for _ in range(4):
        assert (await _fail(client, alice.email)).status_code == 401
    for _ in range(3):
        assert (await _login(client, alice.email, PASSWORD)).status_code == 200
    assert (await _fail(client, alice.email)).status_code == 401  # the 5th failure
    assert (await _fail(client, alice.email)).status_code == 429


async def test_current_password_guesses_are_limited_like_log_ins(
    client: httpx.AsyncClient, alice: User
) -> None:
    change = {"email": unique_email(), "current_password": "not-my-password"}
    for _ in range(5):
        response = await client.patch("/users/me", json=change, headers=alice.headers)
        assert response.status_code == 401
    response = await client.patch(
        "/users/me", json={**change, "current_password": PASSWORD}, headers=alice.headers
    )
    assert response.status_code == 429
    # They share the budget: log-in from this address is spent too.
    assert (await _login(client, alice.email, PASSWORD)).status_code == 429


async def test_x_forwarded_for_counts_only_from_a_trusted_proxy(
    client: httpx.AsyncClient, app: Any, alice: User, bob: User
) -> None:
    # From an untrusted peer, rotating the header does not dodge the per-address limit.
    async with from_address(app, "198.51.100.70") as attacker:
        for n in range(5):
            forged = {"X-Forwarded-For": f"203.0.113.{n}"}
            response = await attacker.post(
                "/auth/login",
                json={"email": alice.email, "password": "wrong-password"},
                headers=forged,
            )
            assert response.status_code == 401
        response = await attacker.post(
            "/auth/login",
            json={"email": alice.email, "password": PASSWORD},
            headers={"X-Forwarded-For": "203.0.113.200"},
        )
        assert response.status_code == 429
    # Behind the trusted proxy (10.0.0.0/8), each client is its forwarded address.
    async with from_address(app, "10.1.2.3") as proxy:
        for _ in range(5):
            response = await proxy.post(
                "/auth/login",
                json={"email": bob.email, "password": "wrong-password"},
                headers={"X-Forwarded-For": "203.0.113.10"},
            )
            assert response.status_code == 401
        owner = await proxy.post(
            "/auth/login",
            json={"email": bob.email, "password": PASSWORD},
            headers={"X-Forwarded-For": "192.0.2.44, 203.0.113.11"},
        )
        assert owner.status_code == 200
