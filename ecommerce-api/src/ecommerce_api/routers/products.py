"""The catalogue: public reads, admin writes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from backend_shared.deps import DbDep
from backend_shared.openapi import error_responses
from backend_shared.pagination import Page, PageDep
from ecommerce_api.dependencies import AdminId, AdminProduct, PublicProduct, SettingsDep
from ecommerce_api.models.products import (
    CategoryList,
    ProductCreate,
    ProductFilters,
    ProductPublic,
    ProductUpdate,
)
from ecommerce_api.services import products

router = APIRouter(prefix="/products", tags=["products"])
categories_router = APIRouter(prefix="/categories", tags=["products"])


@router.get("", summary="Browse the catalogue", responses=error_responses(422))
async def list_products(
    db: DbDep,
    settings: SettingsDep,
    page: PageDep,
    filters: Annotated[ProductFilters, Query()],
) -> Page[ProductPublic]:
    items, total = await products.list_products(db=db, filters=filters, page=page)
    public = await products.to_public(db=db, products=items, currency=settings.store_currency)
    return Page(items=public, total=total, limit=page.limit, offset=page.offset)


@router.get("/{product_id}", summary="One product", responses=error_responses(404))
async def read_product(product: PublicProduct, db: DbDep, settings: SettingsDep) -> ProductPublic:
    [public] = await products.to_public(db=db, products=[product], currency=settings.store_currency)
    return public


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Create a product with its variants and their initial stock (admin)",
    responses=error_responses(401, 403, 409, 422),
)
async def create_product(
    data: ProductCreate, admin_id: AdminId, db: DbDep, settings: SettingsDep
) -> ProductPublic:
    product = await products.create_product(
        db=db, admin_id=admin_id, data=data, currency=settings.store_currency
    )
    [public] = await products.to_public(db=db, products=[product], currency=settings.store_currency)
    return public


@router.patch(
    "/{product_id}",
    summary="Change a product, or a variant's title or price (admin)",
    description="Orders already placed keep the names and prices they were placed with.",
    responses=error_responses(401, 403, 404, 409, 422),
)
async def update_product(
    product: AdminProduct,
    data: ProductUpdate,
    admin_id: AdminId,
    db: DbDep,
    settings: SettingsDep,
) -> ProductPublic:
    updated = await products.update_product(
        db=db, admin_id=admin_id, product=product, data=data, currency=settings.store_currency
    )
    [public] = await products.to_public(db=db, products=[updated], currency=settings.store_currency)
    return public


@router.delete(
    "/{product_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Archive a product (admin)",
    description="It leaves the catalogue and carts; orders keep pointing at it.",
    responses=error_responses(401, 403, 404),
)
async def archive_product(product: AdminProduct, admin_id: AdminId, db: DbDep) -> None:
    await products.archive_product(db=db, admin_id=admin_id, product=product)


@categories_router.get("", summary="The categories of active products")
async def list_categories(db: DbDep) -> CategoryList:
    return CategoryList(items=await products.list_categories(db=db))
