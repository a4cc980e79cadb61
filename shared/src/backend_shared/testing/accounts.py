"""A signed-up, logged-in user in one line, for the projects that mount the shared
accounts (`/auth/signup`, `/auth/login`)."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from backend_shared.testing.factories import bearer, unique_email

PASSWORD = "correct-horse-battery"  # noqa: S105 - a test account's password


@dataclass
class SignedUpUser:
    id: str
    email: str
    password: str
    access_token: str
    refresh_token: str

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.access_token)


async def signup_and_login(
    client: httpx.AsyncClient,
    *,
    email: str | None = None,
    password: str = PASSWORD,
    display_name: str | None = None,
) -> SignedUpUser:
    email = email or unique_email()
    body: dict[str, str] = {"email": email, "password": password}
    if display_name is not None:
        body["display_name"] = display_name
    created = await client.post("/auth/signup", json=body)
    assert created.status_code == 201, created.text
    login = await client.post("/auth/login", json={"email": email, "password": password})
    assert login.status_code == 200, login.text
    tokens = login.json()
    return SignedUpUser(
        id=created.json()["id"],
        email=email,
        password=password,
        access_token=tokens["access_token"],
        refresh_token=tokens["refresh_token"],
    )
