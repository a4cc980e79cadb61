"""Sign-up, log-in, refresh and log-out, as a client sees them."""

from __future__ import annotations

import httpx
import pytest

from backend_shared.accounts import service as accounts
from backend_shared.testing.concurrency import release_together
from backend_shared.testing.factories import bearer, unique_email

from .utils import PASSWORD, User, signup_and_login


async def test_signup_returns_the_account_without_its_password(client: httpx.AsyncClient) -> None:
    email = unique_email()
    response = await client.post(
        "/auth/signup", json={"email": email, "password": PASSWORD, "display_name": "Ada"}
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "email", "display_name", "created_at"}
    assert body["email"] == email
    assert body["display_name"] == "Ada"
    assert len(body["id"]) == 24


async def test_an_email_is_taken_whatever_its_case(client: httpx.AsyncClient) -> None:
    email = unique_email()
    first = await client.post("/auth/signup", json={"email": email, "password": PASSWORD})
    again = await client.post("/auth/signup", json={"email": email.upper(), "password": PASSWORD})
    assert first.status_code == 201
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"
    assert again.json()["detail"] == "An account with this email already exists"


async def test_concurrent_duplicate_signups_create_exactly_one_account(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Hashing takes tens of milliseconds in threads and would spread the sign-ups out;
    # without it they all reach the insert together, where only the unique index decides.
    async def cheap_hash(password: str) -> str:
        return "argon2-stand-in"

    monkeypatch.setattr(accounts, "hash_password", cheap_hash)
    email = unique_email()

    async def sign_up() -> httpx.Response:
        return await client.post("/auth/signup", json={"email": email, "password": PASSWORD})

    responses = await release_together([sign_up] * 8)
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201] + [409] * 7


async def test_passwords_must_be_8_to_128_characters(client: httpx.AsyncClient) -> None:
    for password, ok in (("x" * 7, False), ("x" * 8, True), ("x" * 128, True), ("x" * 129, False)):
        response = await client.post(
            "/auth/signup", json={"email": unique_email(), "password": password}
        )
        assert response.status_code == (201 if ok else 422), (len(password), response.text)
        if not ok:
            assert response.json()["errors"][0]["loc"] == ["body", "password"]


async def test_signup_rejects_unknown_fields_such_as_roles(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/auth/signup",
        json={"email": unique_email(), "password": PASSWORD, "roles": ["admin"]},
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "loc": ["body", "roles"],
            "msg": "Extra inputs are not permitted",
            "type": "extra_forbidden",
        }
    ]


async def test_login_gives_an_oauth2_token_pair(client: httpx.AsyncClient, alice: User) -> None:
    response = await client.post("/auth/login", json={"email": alice.email, "password": PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "refresh_token"}
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 900
    me = await client.get("/users/me", headers=bearer(body["access_token"]))
    assert me.json()["email"] == alice.email


async def test_the_oauth2_form_endpoint_logs_in_with_the_email_as_username(
    client: httpx.AsyncClient, alice: User
) -> None:
    response = await client.post(
        "/auth/token", data={"username": alice.email, "password": PASSWORD}
    )
    assert response.status_code == 200
    assert response.json()["token_type"] == "bearer"


async def test_wrong_password_and_unknown_email_look_the_same(
    client: httpx.AsyncClient, alice: User
) -> None:
    wrong = await client.post("/auth/login", json={"email": alice.email, "password": "nope-nope"})
    unknown = await client.post(
        "/auth/login", json={"email": unique_email(), "password": "nope-nope"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["detail"] == unknown.json()["detail"] == "Incorrect email or password"


async def test_refresh_rotates_the_pair_and_spends_the_old_token(
    client: httpx.AsyncClient, alice: User
) -> None:
    response = await client.post("/auth/refresh", json={"refresh_token": alice.refresh_token})
    assert response.status_code == 200
    fresh = response.json()
    assert fresh["refresh_token"] != alice.refresh_token
    me = await client.get("/users/me", headers=bearer(fresh["access_token"]))
    assert me.status_code == 200

    again = await client.post("/auth/refresh", json={"refresh_token": alice.refresh_token})
    assert again.status_code == 401


async def test_reusing_a_spent_refresh_token_revokes_the_whole_family(
    client: httpx.AsyncClient, alice: User
) -> None:
    first = await client.post("/auth/refresh", json={"refresh_token": alice.refresh_token})
    newest = first.json()["refresh_token"]
    # A thief replays the spent token: both the thief and the owner are logged out.
    replay = await client.post("/auth/refresh", json={"refresh_token": alice.refresh_token})
    assert replay.status_code == 401
    owner = await client.post("/auth/refresh", json={"refresh_token": newest})
    assert owner.status_code == 401


async def test_another_login_session_survives_a_revoked_family(
    client: httpx.AsyncClient, alice: User
) -> None:
    other = await client.post("/auth/login", json={"email": alice.email, "password": PASSWORD})
    await client.post("/auth/refresh", json={"refresh_token": alice.refresh_token})
    await client.post("/auth/refresh", json={"refresh_token": alice.refresh_token})  # reuse
    response = await client.post(
        "/auth/refresh", json={"refresh_token": other.json()["refresh_token"]}
    )
    assert response.status_code == 200


async def test_logout_revokes_the_refresh_token(client: httpx.AsyncClient, alice: User) -> None:
    response = await client.post("/auth/logout", json={"refresh_token": alice.refresh_token})
    assert response.status_code == 204
    refresh = await client.post("/auth/refresh", json={"refresh_token": alice.refresh_token})
    assert refresh.status_code == 401


async def test_an_unknown_refresh_token_is_401(client: httpx.AsyncClient) -> None:
    response = await client.post("/auth/refresh", json={"refresh_token": "made-up"})
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"


async def test_signup_then_login_works_for_a_second_user_independently(
    client: httpx.AsyncClient, alice: User
) -> None:
    bob = await signup_and_login(client)
    assert bob.id != alice.id
