"""`/products`: public reads, admin writes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from backend_shared.deps import DbDep
from backend_shared.openapi import error_responses
from backend_shared.pagination import Page, PageDep
from catalog.dependencies import Admin, SettingsDep
from catalog.models import ProductCreate, ProductFilters, ProductPublic, ProductUpdate
from catalog.services import products
from shop_platform.paging import page_of

router = APIRouter(prefix="/products", tags=["products"])

ProductIdPath = Annotated[
    str, Path(description="The product's id", examples=["665f1c2ab1e4c2a1d3f0e9b7"])
]


@router.get("", summary="List products, newest first", responses=error_responses(422))
async def list_products(
    db: DbDep, page: PageDep, filters: Annotated[ProductFilters, Query()]
) -> Page[ProductPublic]:
    docs, total = await products.list_products(db=db, filters=filters, page=page)
    return page_of(docs, total, page, ProductPublic.from_doc)


@router.get("/{product_id}", summary="One product", responses=error_responses(404))
async def read_product(product_id: ProductIdPath, db: DbDep) -> ProductPublic:
    return ProductPublic.from_doc(await products.get_product(db=db, product_id=product_id))


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Create a product with its initial stock (admin)",
    responses=error_responses(401, 403, 409, 422),
)
async def create_product(
    data: ProductCreate, db: DbDep, _: Admin, settings: SettingsDep
) -> ProductPublic:
    doc = await products.create_product(db=db, data=data, currency=settings.store_currency)
    return ProductPublic.from_doc(doc)


@router.patch(
    "/{product_id}",
    summary="Change a product's name, description or price (admin)",
    responses=error_responses(401, 403, 404, 422),
)
async def update_product(
    product_id: ProductIdPath, data: ProductUpdate, db: DbDep, _: Admin, settings: SettingsDep
) -> ProductPublic:
    doc = await products.update_product(
        db=db, product_id=product_id, data=data, currency=settings.store_currency
    )
    return ProductPublic.from_doc(doc)
