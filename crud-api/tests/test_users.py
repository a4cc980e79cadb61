"""My account: reading it, renaming, changing email and password."""

from __future__ import annotations

import httpx

from backend_shared.testing.factories import unique_email

from .utils import PASSWORD, User, signup_and_login

NEW_PASSWORD = "a-brand-new-passphrase"


async def test_me_shows_my_account(client: httpx.AsyncClient, alice: User) -> None:
    response = await client.get("/users/me", headers=alice.headers)
    assert response.status_code == 200
    assert response.json()["id"] == alice.id
    assert "password_hash" not in response.json()


async def test_renaming_needs_no_password(client: httpx.AsyncClient, alice: User) -> None:
    response = await client.patch("/users/me", json={"display_name": "Al"}, headers=alice.headers)
    assert response.status_code == 200
    assert response.json()["display_name"] == "Al"
    assert (await client.get("/users/me", headers=alice.headers)).json()["display_name"] == "Al"


async def test_a_password_change_needs_the_current_password(
    client: httpx.AsyncClient, alice: User
) -> None:
    missing = await client.patch(
        "/users/me", json={"password": NEW_PASSWORD}, headers=alice.headers
    )
    assert missing.status_code == 422
    wrong = await client.patch(
        "/users/me",
        json={"password": NEW_PASSWORD, "current_password": "not-it-at-all"},
        headers=alice.headers,
    )
    assert wrong.status_code == 401
    still = await client.post("/auth/login", json={"email": alice.email, "password": PASSWORD})
    assert still.status_code == 200


async def test_a_password_change_logs_out_every_session(
    client: httpx.AsyncClient, alice: User
) -> None:
    changed = await client.patch(
        "/users/me",
        json={"password": NEW_PASSWORD, "current_password": PASSWORD},
        headers=alice.headers,
    )
    assert changed.status_code == 200
    refresh = await client.post("/auth/refresh", json={"refresh_token": alice.refresh_token})
    assert refresh.status_code == 401
    old = await client.post("/auth/login", json={"email": alice.email, "password": PASSWORD})
    assert old.status_code == 401
    new = await client.post("/auth/login", json={"email": alice.email, "password": NEW_PASSWORD})
    assert new.status_code == 200


async def test_an_email_change_cannot_take_another_users_email(
    client: httpx.AsyncClient, alice: User
) -> None:
    bob = await signup_and_login(client)
    taken = await client.patch(
        "/users/me",
        json={"email": bob.email.upper(), "current_password": PASSWORD},
        headers=alice.headers,
    )
    assert taken.status_code == 409
    fresh = unique_email()
    moved = await client.patch(
        "/users/me", json={"email": fresh, "current_password": PASSWORD}, headers=alice.headers
    )
    assert moved.status_code == 200
    login = await client.post("/auth/login", json={"email": fresh, "password": PASSWORD})
    assert login.status_code == 200


async def test_roles_cannot_be_self_assigned(client: httpx.AsyncClient, alice: User) -> None:
    response = await client.patch("/users/me", json={"roles": ["admin"]}, headers=alice.headers)
    assert response.status_code == 422
