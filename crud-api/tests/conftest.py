"""crud-api fixtures: an app on a fresh database per test, and user factories."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from backend_shared.testing.factories import bearer, unique_email
from crud_api.config import Settings
from crud_api.main import create_app

PASSWORD = "correct-horse-battery"


@pytest.fixture
def settings(service_settings: dict[str, Any]) -> Settings:
    return Settings(**service_settings)


@pytest.fixture
def app(settings: Settings) -> Any:
    return create_app(settings)


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


@pytest.fixture
async def alice(client: httpx.AsyncClient) -> User:
    return await signup_and_login(client, email=unique_email("alice"))


@pytest.fixture
async def bob(client: httpx.AsyncClient) -> User:
    return await signup_and_login(client, email=unique_email("bob"))
