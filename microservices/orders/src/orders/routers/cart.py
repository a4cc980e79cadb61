"""`/cart`: the signed-in customer's cart."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, status

from backend_shared.deps import DbDep
from backend_shared.openapi import error_responses
from orders.dependencies import CatalogDep, CustomerId
from orders.models import CartItemIn, CartPublic
from orders.services import cart
from shop_contracts.events import Sku

router = APIRouter(prefix="/cart", tags=["cart"])

SkuPath = Annotated[Sku, Path(description="The product's SKU")]


@router.get("", summary="My cart", responses=error_responses(401))
async def read_cart(db: DbDep, user_id: CustomerId) -> CartPublic:
    return CartPublic.from_doc(await cart.get_cart(db=db, user_id=user_id))


@router.put(
    "/items/{sku}",
    summary="Set how many of a product are in my cart (0 removes it)",
    description="The SKU is checked with catalog; a SKU it does not sell is a 404.",
    responses=error_responses(401, 404, 409, 422, 503),
)
async def set_item(
    sku: SkuPath, data: CartItemIn, db: DbDep, user_id: CustomerId, catalog: CatalogDep
) -> CartPublic:
    if data.quantity > 0:
        await catalog.require_product(sku)
    doc = await cart.set_quantity(db=db, user_id=user_id, sku=sku, quantity=data.quantity)
    return CartPublic.from_doc(doc)


@router.delete(
    "/items/{sku}", summary="Remove a product from my cart", responses=error_responses(401, 422)
)
async def remove_item(sku: SkuPath, db: DbDep, user_id: CustomerId) -> CartPublic:
    return CartPublic.from_doc(await cart.remove_item(db=db, user_id=user_id, sku=sku))


@router.delete(
    "",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Empty my cart",
    responses=error_responses(401),
)
async def empty_cart(db: DbDep, user_id: CustomerId) -> None:
    await cart.empty(db=db, user_id=user_id)
