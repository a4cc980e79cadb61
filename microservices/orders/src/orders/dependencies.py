"""orders' dependencies: the signed-in customer (from the verified token), the catalog
client, the settings, and the order the path names, checked against its owner."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Path, Request

from backend_shared.auth.dependencies import CurrentPrincipal
from backend_shared.deps import DbDep
from backend_shared.state import service_state
from orders.config import Settings
from orders.services import orders
from orders.services.catalog_client import CatalogClient


async def current_customer_id(principal: CurrentPrincipal) -> str:
    return principal.id


CustomerId = Annotated[str, Depends(current_customer_id)]


async def get_orders_settings(request: Request) -> Settings:
    settings = service_state(request.app).settings
    assert isinstance(settings, Settings)
    return settings


SettingsDep = Annotated[Settings, Depends(get_orders_settings)]


async def get_catalog(request: Request) -> CatalogClient:
    catalog: CatalogClient = request.app.state.catalog
    return catalog


CatalogDep = Annotated[CatalogClient, Depends(get_catalog)]

OrderIdPath = Annotated[
    str, Path(description="The order's id", examples=["665f1c2ab1e4c2a1d3f0e9b7"])
]


async def valid_owned_order(
    order_id: OrderIdPath, user_id: CustomerId, db: DbDep
) -> dict[str, Any]:
    return await orders.get_owned_order(db=db, user_id=user_id, order_id=order_id)


OwnedOrder = Annotated[dict[str, Any], Depends(valid_owned_order)]
