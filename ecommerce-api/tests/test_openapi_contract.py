"""Property-based run of Schemathesis against ecommerce-api's own OpenAPI document, signed
in as the admin (so the admin routes are explored too): whatever it generates, valid or
not, the server never answers 5xx and never breaks its own schema."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis

from backend_shared.testing.contract import LiveApi, contract_settings, published_schema
from backend_shared.testing.factories import bearer
from backend_shared.testing.live import live_server
from backend_shared.testing.plugin import fresh_settings_values
from ecommerce_api.config import Settings
from ecommerce_api.main import create_app

from .utils import ADDRESS, ADMIN_EMAIL, ADMIN_PASSWORD


@pytest.fixture(scope="module")
def live_api(redis_server_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    settings = Settings(
        **fresh_settings_values(redis_server_url),
        admin_email=ADMIN_EMAIL,
        admin_password=ADMIN_PASSWORD,
        media_dir=tmp_path_factory.mktemp("media"),
        expiry_sweep_seconds=0,
    )
    with live_server(create_app(settings)) as url:
        login = httpx.post(
            f"{url}/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
        )
        headers = bearer(login.json()["access_token"])
        _stock_the_shop(url, headers)
        yield LiveApi(url=url, headers=headers)


def _stock_the_shop(url: str, headers: dict[str, str]) -> None:
    """Something to find: a product, a coupon, a cart and an order of the admin's."""
    product: dict[str, Any] = {
        "name": "Mug",
        "category": "kitchen",
        "variants": [
            {
                "sku": "MUG",
                "title": "Blue",
                "price": {"amount": 999, "currency": "EUR"},
                "stock": 50,
            }
        ],
    }
    httpx.post(f"{url}/products", headers=headers, json=product)
    httpx.post(
        f"{url}/admin/coupons",
        headers=headers,
        json={"code": "TEN", "percent_off": 10, "max_redemptions": 100},
    )
    httpx.put(f"{url}/cart/items/MUG", headers=headers, json={"quantity": 1})
    httpx.post(
        f"{url}/checkout",
        headers={**headers, "Idempotency-Key": "contract"},
        json={"shipping_address": ADDRESS},
    )


schema = published_schema(
    create_app(Settings(app_env="test", media_dir=Path("/nonexistent"), _env_file=None))  # type: ignore[call-arg]
)


@schema.parametrize()
@contract_settings(max_examples=25)
def test_the_api_honours_its_openapi_document(case: schemathesis.Case, live_api: LiveApi) -> None:
    live_api.check(case)
