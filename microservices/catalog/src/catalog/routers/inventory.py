"""`/admin/inventory`: stock levels and adjustments (admin)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from backend_shared.deps import DbDep
from backend_shared.openapi import error_responses
from backend_shared.pagination import Page, PageDep
from catalog.dependencies import Admin
from catalog.models import MAX_STOCK, AdjustmentIn, InventoryItem
from catalog.services import products
from shop_contracts.events import Sku
from shop_platform.paging import page_of

router = APIRouter(prefix="/admin/inventory", tags=["inventory"])


@router.get(
    "",
    summary="Stock per SKU: available, and held for orders (admin)",
    responses=error_responses(401, 403, 422),
)
async def list_inventory(
    db: DbDep,
    page: PageDep,
    _: Admin,
    low_stock: Annotated[
        int | None, Query(ge=0, le=MAX_STOCK, description="Only SKUs with at most this many")
    ] = None,
) -> Page[InventoryItem]:
    docs, total = await products.list_inventory(db=db, page=page, low_stock=low_stock)
    return page_of(docs, total, page, InventoryItem.from_doc)


@router.post(
    "/{sku}/adjustments",
    summary="Add or remove units (admin)",
    description="Removing more than is available is a 409 and changes nothing.",
    responses=error_responses(401, 403, 404, 409, 422),
)
async def adjust_stock(
    sku: Annotated[Sku, Path(description="The product's SKU")],
    data: AdjustmentIn,
    db: DbDep,
    _: Admin,
) -> InventoryItem:
    return InventoryItem.from_doc(await products.adjust_stock(db=db, sku=sku, data=data))
