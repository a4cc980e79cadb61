"""crud-api fixtures: an app on a fresh database per test, and user factories."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from backend_shared.testing.factories import unique_email
from crud_api.config import Settings
from crud_api.main import create_app

from .utils import User, signup_and_login


@pytest.fixture
def settings(service_settings: dict[str, Any]) -> Settings:
    return Settings(**service_settings)


@pytest.fixture
def app(settings: Settings) -> Any:
    return create_app(settings)


@pytest.fixture
async def alice(client: httpx.AsyncClient) -> User:
    return await signup_and_login(client, email=unique_email("alice"))


@pytest.fixture
async def bob(client: httpx.AsyncClient) -> User:
    return await signup_and_login(client, email=unique_email("bob"))
