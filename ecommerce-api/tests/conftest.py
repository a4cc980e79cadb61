"""ecommerce-api fixtures: an app on a fresh database per test, an admin bootstrapped from
the settings, and customers."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from backend_shared.accounts import service as accounts
from ecommerce_api.config import Settings
from ecommerce_api.main import create_app

from .utils import ADMIN_EMAIL, ADMIN_PASSWORD, User, login, signup_and_login


@pytest.fixture
def settings(service_settings: dict[str, Any], tmp_path: Any) -> Settings:
    return Settings(
        **service_settings,
        admin_email=ADMIN_EMAIL,
        admin_password=ADMIN_PASSWORD,
        media_dir=tmp_path / "media",
        expiry_sweep_seconds=0,  # tests run the sweep themselves, when they mean to
    )


@pytest.fixture
def app(settings: Settings) -> Any:
    return create_app(settings)


@pytest.fixture
async def admin(client: httpx.AsyncClient) -> User:
    return await login(client, ADMIN_EMAIL, ADMIN_PASSWORD)


@pytest.fixture
async def alice(client: httpx.AsyncClient) -> User:
    return await signup_and_login(client)


@pytest.fixture
async def bob(client: httpx.AsyncClient) -> User:
    return await signup_and_login(client)


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 costs a CPU-heavy fraction of a second per sign-up and log-in by design, and
    passwords are not what this project's tests are about (crud-api's test them)."""

    async def not_a_real_hash(password: str) -> str:
        return f"plain:{password}"

    async def compare(password: str, stored_hash: str | None) -> tuple[bool, None]:
        return stored_hash == f"plain:{password}", None

    monkeypatch.setattr(accounts, "hash_password", not_a_real_hash)
    monkeypatch.setattr(accounts, "verify_password", compare)
