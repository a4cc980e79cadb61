"""What orders asks catalog, over HTTP: current products by SKU (timeout, retry, breaker:
see shop_platform.upstream)."""

from __future__ import annotations

from pydantic import BaseModel

from backend_shared.errors import NotFound, ServiceUnavailable
from shop_contracts.events import Money
from shop_platform.upstream import Upstream


class CatalogProduct(BaseModel):
    id: str
    sku: str
    name: str
    price: Money
    available: int


class CatalogPage(BaseModel):
    items: list[CatalogProduct]


class CatalogClient:
    def __init__(self, upstream: Upstream) -> None:
        self.upstream = upstream

    async def products_by_sku(self, skus: list[str]) -> dict[str, CatalogProduct]:
        params = [("sku", sku) for sku in skus] + [("limit", 100)]
        response = await self.upstream.get("/products", params=params)
        if response.status_code != 200:  # the SKUs were checked: catalog is misbehaving
            raise ServiceUnavailable(f"catalog answered {response.status_code}")
        page = CatalogPage.model_validate_json(response.content)
        return {product.sku: product for product in page.items}

    async def require_product(self, sku: str) -> CatalogProduct:
        found = await self.products_by_sku([sku])
        if sku not in found:
            raise NotFound("No product has this SKU")
        return found[sku]
