"""catalog on a fresh database per test, trusting a test key in identity's place; its
relay and consumer are driven by the tests, not run in the background."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from catalog.config import Settings
from catalog.main import create_app
from shop_platform.testing import IdentityKeys


@pytest.fixture
def keys() -> IdentityKeys:
    return IdentityKeys()


@pytest.fixture
def app(service_settings: dict[str, Any], keys: IdentityKeys) -> Any:
    settings = Settings(**{**service_settings, **keys.verifier_settings()})
    return create_app(settings, run_workers=False)


@pytest.fixture
def admin(keys: IdentityKeys) -> dict[str, str]:
    return keys.headers(roles=("admin",))


async def create_product(
    client: httpx.AsyncClient, admin: dict[str, str], sku: str, stock: int, price: int = 1250
) -> dict[str, Any]:
    response = await client.post(
        "/products",
        json={
            "sku": sku,
            "name": f"{sku} mug",
            "price": {"amount": price, "currency": "EUR"},
            "stock": stock,
        },
        headers=admin,
    )
    assert response.status_code == 201, response.text
    product: dict[str, Any] = response.json()
    return product
