"""orders on a fresh database per test, with catalog replaced by an in-process fake that
answers `GET /products?sku=...` (or fails, when a test says so)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from bson import ObjectId

from orders.config import Settings
from orders.main import create_app
from orders.services.catalog_client import CatalogClient
from shop_platform.breaker import CircuitBreaker
from shop_platform.testing import IdentityKeys
from shop_platform.upstream import Upstream


class FakeCatalog:
    def __init__(self) -> None:
        self.products: dict[str, dict[str, Any]] = {}
        self.calls = 0
        self.down = False

    def add(self, sku: str, price: int = 1250) -> dict[str, Any]:
        product = {
            "id": str(ObjectId()),
            "sku": sku,
            "name": f"{sku} mug",
            "price": {"amount": price, "currency": "EUR"},
            "available": 10,
        }
        self.products[sku] = product
        return product

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        if self.down:
            raise httpx.ConnectError("connection refused", request=request)
        skus = request.url.params.get_list("sku")
        items = [self.products[sku] for sku in skus if sku in self.products]
        return httpx.Response(
            200, json={"items": items, "total": len(items), "limit": 100, "offset": 0}
        )


@pytest.fixture
def keys() -> IdentityKeys:
    return IdentityKeys()


@pytest.fixture
def catalog() -> FakeCatalog:
    return FakeCatalog()


@pytest.fixture
def app(service_settings: dict[str, Any], keys: IdentityKeys) -> Any:
    settings = Settings(**{**service_settings, **keys.verifier_settings()})
    return create_app(settings, run_workers=False)


@pytest.fixture
async def shop_client(
    app: Any, client: httpx.AsyncClient, catalog: FakeCatalog
) -> httpx.AsyncClient:
    """The client, with the app's catalog swapped for the fake once the app has started."""
    fake = httpx.AsyncClient(transport=httpx.MockTransport(catalog.handle))
    breaker = CircuitBreaker("catalog", failure_threshold=3, open_seconds=60)
    app.state.catalog = CatalogClient(
        Upstream(
            "catalog", "http://catalog", client=fake, breaker=breaker, retries=1, backoff_seconds=0
        )
    )
    return client


@pytest.fixture
def alice(keys: IdentityKeys) -> dict[str, str]:
    return keys.headers(str(ObjectId()))


@pytest.fixture
def bob(keys: IdentityKeys) -> dict[str, str]:
    return keys.headers(str(ObjectId()))
