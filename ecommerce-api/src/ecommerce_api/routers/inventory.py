"""Stock, for admins: adjustments, the low-stock page and each SKU's ledger."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from backend_shared.deps import DbDep
from backend_shared.openapi import error_responses
from backend_shared.pagination import Page, PageDep
from ecommerce_api import flows
from ecommerce_api.dependencies import AdminId, CatalogueCacheDep, SkuPath
from ecommerce_api.models.inventory import AdjustmentIn, InventoryPublic, StockMovementPublic
from ecommerce_api.paging import page_of
from ecommerce_api.services import inventory

router = APIRouter(prefix="/admin/inventory", tags=["admin"])


@router.get(
    "",
    summary="Stock per SKU, fewest available first (admin)",
    responses=error_responses(401, 403, 422),
)
async def list_inventory(
    _: AdminId,
    db: DbDep,
    page: PageDep,
    low_stock: Annotated[
        int | None,
        Query(ge=0, le=1_000_000, description="Only SKUs with at most this many available"),
    ] = None,
) -> Page[InventoryPublic]:
    items, total = await inventory.list_items(db=db, page=page, low_stock=low_stock)
    return page_of(items, total, page, InventoryPublic.from_doc)


@router.post(
    "/{sku}/adjustments",
    summary="Add or remove stock on hand, with a reason (admin)",
    description="Removing stock never takes it below what unpaid orders reserve: 409.",
    responses=error_responses(401, 403, 404, 409, 422),
)
async def adjust_stock(
    sku: SkuPath, data: AdjustmentIn, admin_id: AdminId, db: DbDep, cache: CatalogueCacheDep
) -> InventoryPublic:
    item = await inventory.adjust(
        db=db, sku=sku, delta=data.delta, reason=data.reason, actor_id=admin_id
    )
    flows.catalogue_changed(cache)
    return InventoryPublic.from_doc(item)


@router.get(
    "/{sku}/movements",
    summary="Every stock movement of a SKU, newest first (admin)",
    responses=error_responses(401, 403, 404, 422),
)
async def list_movements(
    sku: SkuPath, _: AdminId, db: DbDep, page: PageDep
) -> Page[StockMovementPublic]:
    items, total = await inventory.list_movements(db=db, sku=sku, page=page)
    return page_of(items, total, page, StockMovementPublic.from_doc)
