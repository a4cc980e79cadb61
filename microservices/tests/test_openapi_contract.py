"""Schemathesis against catalog and orders (each on a live server, orders calling the live
catalog), signed in as an admin customer: whatever it generates, valid or not, neither
answers 5xx or breaks its own OpenAPI document."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis

from backend_shared.testing.contract import LiveApi, contract_settings, published_schema
from backend_shared.testing.live import live_server
from backend_shared.testing.plugin import fresh_settings_values
from catalog.config import Settings as CatalogSettings
from catalog.main import create_app as create_catalog
from orders.config import Settings as OrdersSettings
from orders.main import create_app as create_orders
from shop_platform.testing import IdentityKeys

KEYS = IdentityKeys()
USER_ID = "665f1c2ab1e4c2a1d3f0e9b7"
HEADERS = KEYS.headers(USER_ID, roles=("admin", "customer"))


def settings_values(redis_url: str) -> dict[str, Any]:
    values = {**fresh_settings_values(redis_url), **KEYS.verifier_settings()}
    values.pop("jwt_secret")
    return values


@pytest.fixture(scope="module")
def live_catalog(redis_server_url: str) -> Iterator[LiveApi]:
    app = create_catalog(CatalogSettings(**settings_values(redis_server_url)))
    with live_server(app) as url:
        product = {
            "sku": "MUG",
            "name": "Mug",
            "price": {"amount": 999, "currency": "EUR"},
            "stock": 50,
        }
        assert httpx.post(f"{url}/products", json=product, headers=HEADERS).status_code == 201
        yield LiveApi(url=url, headers=HEADERS)


@pytest.fixture(scope="module")
def live_orders(redis_server_url: str, live_catalog: LiveApi) -> Iterator[LiveApi]:
    settings = OrdersSettings(**settings_values(redis_server_url), catalog_url=live_catalog.url)
    with live_server(create_orders(settings)) as url:
        httpx.put(f"{url}/cart/items/MUG", json={"quantity": 1}, headers=HEADERS)
        yield LiveApi(url=url, headers=HEADERS)


def offline(settings_class: Any, create: Any) -> Any:
    settings = settings_class(app_env="test", _env_file=None, **KEYS.verifier_settings())
    return published_schema(create(settings))


catalog_schema = offline(CatalogSettings, create_catalog)
orders_schema = offline(OrdersSettings, create_orders)


@catalog_schema.parametrize()
@contract_settings(max_examples=40)
def test_catalog_honours_its_openapi_document(
    case: schemathesis.Case, live_catalog: LiveApi
) -> None:
    live_catalog.check(case)


@orders_schema.parametrize()
@contract_settings(max_examples=40)
def test_orders_honours_its_openapi_document(case: schemathesis.Case, live_orders: LiveApi) -> None:
    live_orders.check(case)
