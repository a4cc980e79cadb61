"""The catalogue: public reads, admin writes."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from backend_shared.deps import DbDep
from backend_shared.openapi import error_responses
from backend_shared.pagination import Page
from backend_shared.state import service_state
from ecommerce_api import flows
from ecommerce_api.dependencies import (
    AdminId,
    AdminProduct,
    CatalogueCacheDep,
    PublicProduct,
    SettingsDep,
)
from ecommerce_api.models.products import (
    CatalogueQuery,
    CategoryList,
    ProductCreate,
    ProductPublic,
    ProductUpdate,
)
from ecommerce_api.query import QueryParser, openapi_parameters
from ecommerce_api.services import products
from ecommerce_api.services.catalogue_cache import CatalogueCache

router = APIRouter(prefix="/products", tags=["products"])
categories_router = APIRouter(prefix="/categories", tags=["products"])


parse_catalogue_query = QueryParser(CatalogueQuery)


@router.get(
    "",
    summary="Browse the catalogue",
    description="A page may be up to CATALOGUE_CACHE_SECONDS (1 s) old; `available` is "
    "checked again, for real, at checkout.",
    response_model=Page[ProductPublic],
    responses=error_responses(422),
    openapi_extra={"parameters": openapi_parameters(CatalogueQuery)},
)
async def list_products(request: Request) -> Response:
    # The hottest read, measured (bench/): its query string is parsed once per distinct
    # string (ecommerce_api/query.py) and its page comes from the catalogue cache, so a hit
    # costs a dictionary look-up instead of FastAPI's per-parameter work and three queries.
    query: CatalogueQuery = parse_catalogue_query(request.scope["query_string"].decode("latin-1"))
    cache: CatalogueCache = request.app.state.catalogue_cache

    async def build_page() -> bytes:
        db, currency = (
            service_state(request.app).database,
            request.app.state.settings.store_currency,
        )
        items, total = await products.list_products(db=db, filters=query, page=query.page)
        public = await products.to_public(db=db, products=items, currency=currency)
        page: Page[ProductPublic] = Page(
            items=public, total=total, limit=query.limit, offset=query.offset
        )
        return page.model_dump_json().encode()

    return Response(await cache.get(query, build_page), media_type="application/json")


@router.get("/{product_id}", summary="One product", responses=error_responses(404, 422))
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
    data: ProductCreate,
    admin_id: AdminId,
    db: DbDep,
    settings: SettingsDep,
    cache: CatalogueCacheDep,
) -> ProductPublic:
    product = await products.create_product(
        db=db, admin_id=admin_id, data=data, currency=settings.store_currency
    )
    flows.catalogue_changed(cache)
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
    cache: CatalogueCacheDep,
) -> ProductPublic:
    updated = await products.update_product(
        db=db, admin_id=admin_id, product=product, data=data, currency=settings.store_currency
    )
    flows.catalogue_changed(cache)
    [public] = await products.to_public(db=db, products=[updated], currency=settings.store_currency)
    return public


@router.delete(
    "/{product_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Archive a product (admin)",
    description="It leaves the catalogue and carts; orders keep pointing at it.",
    responses=error_responses(401, 403, 404, 422),
)
async def archive_product(
    product: AdminProduct, admin_id: AdminId, db: DbDep, cache: CatalogueCacheDep
) -> None:
    await products.archive_product(db=db, admin_id=admin_id, product=product)
    flows.catalogue_changed(cache)


@categories_router.get("", summary="The categories of active products")
async def list_categories(db: DbDep) -> CategoryList:
    return CategoryList(items=await products.list_categories(db=db))
