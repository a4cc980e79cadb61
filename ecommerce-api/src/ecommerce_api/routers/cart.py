"""The signed-in customer's cart."""

from __future__ import annotations

from fastapi import APIRouter

from backend_shared.deps import DbDep
from backend_shared.openapi import error_responses
from ecommerce_api.dependencies import CustomerId, SettingsDep, SkuPath
from ecommerce_api.models.cart import CartItemIn, CartPublic
from ecommerce_api.services import cart

router = APIRouter(prefix="/cart", tags=["cart"])


@router.get("", summary="My cart at today's prices", responses=error_responses(401))
async def read_cart(user_id: CustomerId, db: DbDep, settings: SettingsDep) -> CartPublic:
    return await cart.get_cart(db=db, user_id=user_id, currency=settings.store_currency)


@router.put(
    "/items/{sku}",
    summary="Set how many of a SKU are in my cart (0 removes it)",
    responses=error_responses(401, 404, 409, 422),
)
async def set_cart_item(
    user_id: CustomerId, sku: SkuPath, data: CartItemIn, db: DbDep, settings: SettingsDep
) -> CartPublic:
    await cart.set_item(db=db, user_id=user_id, sku=sku, quantity=data.quantity)
    return await cart.get_cart(db=db, user_id=user_id, currency=settings.store_currency)


@router.delete(
    "/items/{sku}",
    summary="Take a SKU out of my cart",
    responses=error_responses(401, 422),
)
async def remove_cart_item(
    user_id: CustomerId, sku: SkuPath, db: DbDep, settings: SettingsDep
) -> CartPublic:
    await cart.remove_item(db=db, user_id=user_id, sku=sku)
    return await cart.get_cart(db=db, user_id=user_id, currency=settings.store_currency)


@router.delete("", summary="Empty my cart", responses=error_responses(401))
async def clear_cart(user_id: CustomerId, db: DbDep, settings: SettingsDep) -> CartPublic:
    await cart.clear(db=db, user_id=user_id)
    return await cart.get_cart(db=db, user_id=user_id, currency=settings.store_currency)
