"""Accounts: uniqueness regardless of case, password changes, login limits, and a username
change that follows the user everywhere."""

from __future__ import annotations

import httpx

from .utils import PASSWORD, publish, register


async def test_usernames_and_emails_are_unique_regardless_of_case(
    client: httpx.AsyncClient,
) -> None:
    member = await register(client)
    response = await client.post(
        "/api/users",
        json={
            "user": {
                "username": member.username.upper(),
                "email": "someone-else@example.com",
                "password": PASSWORD,
            }
        },
    )
    assert response.status_code == 409
    assert response.json() == {"errors": {"username": ["has already been taken"]}}
    response = await client.post(
        "/api/users/login", json={"user": {"email": member.email.upper(), "password": PASSWORD}}
    )
    assert response.status_code == 200


async def test_taking_another_users_name_or_email_is_409(client: httpx.AsyncClient) -> None:
    ada, bob = await register(client, "ada"), await register(client, "bob")
    for field, value in (("username", bob.username), ("email", bob.email)):
        response = await client.put("/api/user", headers=ada.headers, json={"user": {field: value}})
        assert response.status_code == 409
        assert response.json() == {"errors": {field: ["has already been taken"]}}
    # Sending one's own values again is no conflict.
    response = await client.put(
        "/api/user",
        headers=ada.headers,
        json={"user": {"username": ada.username, "email": ada.email}},
    )
    assert response.status_code == 200


async def test_a_new_password_replaces_the_old_one(client: httpx.AsyncClient) -> None:
    member = await register(client)
    new_password = "a-much-better-passphrase"
    response = await client.put(
        "/api/user", headers=member.headers, json={"user": {"password": new_password}}
    )
    assert response.status_code == 200

    async def login(password: str) -> int:
        response = await client.post(
            "/api/users/login", json={"user": {"email": member.email, "password": password}}
        )
        return response.status_code

    assert await login(PASSWORD) == 401
    assert await login(new_password) == 200


async def test_repeated_failed_logins_lock_only_that_account(client: httpx.AsyncClient) -> None:
    target, bystander = await register(client, "target"), await register(client, "bystander")
    wrong = {"user": {"email": target.email, "password": "not-the-password"}}
    statuses = [(await client.post("/api/users/login", json=wrong)).status_code for _ in range(6)]
    assert statuses == [401] * 5 + [429]
    locked = await client.post("/api/users/login", json=wrong)
    assert "retry-after" in locked.headers
    response = await client.post(
        "/api/users/login", json={"user": {"email": bystander.email, "password": PASSWORD}}
    )
    assert response.status_code == 200


async def test_a_new_username_shows_on_profile_and_articles(client: httpx.AsyncClient) -> None:
    member = await register(client)
    slug = (await publish(client, member))["slug"]
    new_name = f"{member.username}_renamed"
    response = await client.put(
        "/api/user", headers=member.headers, json={"user": {"username": new_name}}
    )
    assert response.status_code == 200
    assert response.json()["user"]["token"] == member.token  # the token names the id, not the name

    assert (await client.get(f"/api/profiles/{member.username}")).status_code == 404
    assert (await client.get(f"/api/profiles/{new_name}")).json()["profile"]["username"] == new_name
    article = (await client.get(f"/api/articles/{slug}")).json()["article"]
    assert article["author"]["username"] == new_name
    listed = (await client.get("/api/articles", params={"author": new_name})).json()
    assert listed["articlesCount"] == 1
