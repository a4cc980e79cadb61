"""Password guesses are counted before they are checked: per account and client address (5),
per account from anywhere (8 here) and per address over every account (12 here). An
attacker elsewhere never locks the owner out, and made-up emails from one address do not
lock out the other users behind it until the address's own ceiling."""

from __future__ import annotations

from collections import Counter
from typing import Any

import httpx
import pytest

from backend_shared.testing.concurrency import release_together
from backend_shared.testing.factories import unique_email
from backend_shared.testing.login_limits import count_password_checks, from_address
from blog_api.config import Settings

from .utils import PASSWORD, Call, Member, register


@pytest.fixture
def settings(service_settings: dict[str, Any]) -> Settings:
    return Settings(
        **service_settings,
        login_account_max_failures=8,
        login_address_max_failures=12,
        trusted_proxies=["10.0.0.0/8"],
    )


@pytest.fixture
async def jake(client: httpx.AsyncClient) -> Member:
    return await register(client, "jake")


async def _log_in(
    client: httpx.AsyncClient, email: str, password: str, **headers: str
) -> httpx.Response:
    return await client.post(
        "/api/users/login",
        json={"user": {"email": email, "password": password}},
        headers=headers,
    )


async def _fail(client: httpx.AsyncClient, email: str, **headers: str) -> httpx.Response:
    return await _log_in(client, email, "not-the-password", **headers)


def _is_rate_limited(response: httpx.Response) -> bool:
    if response.status_code != 429:
        return False
    [message] = response.json()["errors"]["request"]
    seconds = int(response.headers["retry-after"])
    return message == f"Too many attempts; retry in {seconds} seconds" and 0 < seconds <= 900


async def test_forty_one_parallel_guesses_evaluate_only_five(
    client: httpx.AsyncClient, jake: Member, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked = count_password_checks(monkeypatch)
    calls: list[Call] = [lambda: _fail(client, jake.email) for _ in range(40)]
    calls.append(lambda: _log_in(client, jake.email, PASSWORD))
    responses = await release_together(calls)
    statuses = Counter(response.status_code for response in responses)
    assert statuses[429] == 36, statuses
    assert statuses[401] + statuses[200] == 5, statuses
    assert checked.count == 5  # the other 36 never reached the password check
    assert all(_is_rate_limited(r) for r in responses if r.status_code == 429)
    assert all(
        r.json() == {"errors": {"credentials": ["invalid"]}}
        for r in responses
        if r.status_code == 401
    )


async def test_an_attacker_elsewhere_does_not_lock_the_owner_out(
    app: Any, client: httpx.AsyncClient, jake: Member
) -> None:
    async with from_address(app, "198.51.100.20") as attacker:
        for _ in range(5):
            assert (await _fail(attacker, jake.email)).status_code == 401
        locked = await _log_in(attacker, jake.email, PASSWORD)
    assert _is_rate_limited(locked)
    # The owner, at home, still logs in: the attacker spent only their own budget.
    assert (await _log_in(client, jake.email, PASSWORD)).status_code == 200


async def test_guesses_from_many_addresses_hit_the_account_ceiling(
    app: Any, client: httpx.AsyncClient, jake: Member
) -> None:
    for attempt in range(8):
        async with from_address(app, f"198.51.100.{50 + attempt}") as attacker:
            assert (await _fail(attacker, jake.email)).status_code == 401
    async with from_address(app, "198.51.100.99") as attacker:
        assert _is_rate_limited(await _log_in(attacker, jake.email, PASSWORD))


async def test_made_up_emails_from_one_address_do_not_lock_out_its_other_users(
    app: Any, client: httpx.AsyncClient, jake: Member
) -> None:
    async with from_address(app, "198.51.100.30") as office:
        for _ in range(5):
            assert (await _fail(office, unique_email())).status_code == 401
        # A colleague behind the same NAT is not affected by someone else's typos.
        assert (await _log_in(office, jake.email, PASSWORD)).status_code == 200
        for _ in range(7):
            assert (await _fail(office, unique_email())).status_code == 401
        # ...until the address itself has sprayed past its ceiling (12 here).
        assert _is_rate_limited(await _fail(office, unique_email()))
        assert _is_rate_limited(await _log_in(office, jake.email, PASSWORD))
    # Elsewhere, everyone goes on.
    assert (await _log_in(client, jake.email, PASSWORD)).status_code == 200


async def test_a_correct_password_gives_its_guess_back(
    client: httpx.AsyncClient, jake: Member
) -> None:
    for _ in range(4):
        assert (await _fail(client, jake.email)).status_code == 401
    for _ in range(3):
        assert (await _log_in(client, jake.email, PASSWORD)).status_code == 200
    assert (await _fail(client, jake.email)).status_code == 401  # the 5th failure
    assert _is_rate_limited(await _fail(client, jake.email))


async def test_x_forwarded_for_counts_only_from_a_trusted_proxy(
    app: Any, client: httpx.AsyncClient, jake: Member
) -> None:
    ann = await register(client, "ann")
    # From an untrusted peer, rotating the header does not dodge the per-address limit.
    async with from_address(app, "198.51.100.70") as attacker:
        for n in range(5):
            forged = {"X-Forwarded-For": f"203.0.113.{n}"}
            assert (await _fail(attacker, jake.email, **forged)).status_code == 401
        rotated = {"X-Forwarded-For": "203.0.113.200"}
        assert _is_rate_limited(await _log_in(attacker, jake.email, PASSWORD, **rotated))
    # Behind the trusted proxy (10.0.0.0/8), each client is its forwarded address.
    async with from_address(app, "10.1.2.3") as proxy:
        guesser = {"X-Forwarded-For": "203.0.113.10"}
        for _ in range(5):
            assert (await _fail(proxy, ann.email, **guesser)).status_code == 401
        assert _is_rate_limited(await _fail(proxy, ann.email, **guesser))
        owner = {"X-Forwarded-For": "192.0.2.44, 203.0.113.11"}
        assert (await _log_in(proxy, ann.email, PASSWORD, **owner)).status_code == 200
