"""Helpers for crud-api's tests: a signed-up user in one line."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from backend_shared.testing.factories import bearer, unique_email

PASSWORD = "correct-horse-battery"


@dataclass
class User:
    id: str
    email: str
    password: str
    access_token: str
    refresh_token: str

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.access_token)


async def signup_and_login(client: httpx.AsyncClient, *, email: str | None = None) -> User:
    email = email or unique_email()
    created = await client.post("/auth/signup", json={"email": email, "password": PASSWORD})
    assert created.status_code == 201, created.text
    login = await client.post("/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    tokens = login.json()
    return User(
        id=created.json()["id"],
        email=email,
        password=PASSWORD,
        access_token=tokens["access_token"],
        refresh_token=tokens["refresh_token"],
    )
