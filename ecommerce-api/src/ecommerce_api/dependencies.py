"""ecommerce-api's dependencies: who may do what (the role read from the account on every
request), and the thing a path names, loaded once and shared by every route that takes it."""

from __future__ import annotations

from typing import Annotated, Any

from bson import ObjectId
from fastapi import Depends, Path, Request

from backend_shared.accounts.dependencies import CurrentAccount, require_account_roles
from backend_shared.deps import DbDep, settings_dependency
from backend_shared.ids import object_id_or_404
from ecommerce_api.config import Settings
from ecommerce_api.models.orders import OrderDoc
from ecommerce_api.models.products import SKU_PATTERN, ProductDoc
from ecommerce_api.models.users import Role
from ecommerce_api.services import orders, products
from ecommerce_api.services.catalogue_cache import CatalogueCache
from ecommerce_api.services.idempotency import Waiters
from ecommerce_api.services.payments import PaymentProvider
from ecommerce_api.services.storage import MediaStore

get_settings = settings_dependency(Settings)


async def get_payment_provider(request: Request) -> PaymentProvider:
    provider: PaymentProvider = request.app.state.payment_provider
    return provider


async def get_idempotency_waiters(request: Request) -> Waiters:
    waiters: Waiters = request.app.state.idempotency_waiters
    return waiters


async def get_media_store(request: Request) -> MediaStore:
    store: MediaStore = request.app.state.media_store
    return store


async def get_catalogue_cache(request: Request) -> CatalogueCache:
    cache: CatalogueCache = request.app.state.catalogue_cache
    return cache


SettingsDep = Annotated[Settings, Depends(get_settings)]
CatalogueCacheDep = Annotated[CatalogueCache, Depends(get_catalogue_cache)]
MediaStoreDep = Annotated[MediaStore, Depends(get_media_store)]
PaymentProviderDep = Annotated[PaymentProvider, Depends(get_payment_provider)]
WaitersDep = Annotated[Waiters, Depends(get_idempotency_waiters)]


# The role is read from the account on every request, not from the token (a snapshot from
# log-in time): a demoted admin is refused on the very next request.
admin_account = require_account_roles(Role.ADMIN.value)


async def admin_id(account: Annotated[dict[str, Any], Depends(admin_account)]) -> ObjectId:
    object_id: ObjectId = account["_id"]
    return object_id


async def customer_id(account: CurrentAccount) -> ObjectId:
    object_id: ObjectId = account["_id"]
    return object_id


AdminId = Annotated[ObjectId, Depends(admin_id)]
CustomerId = Annotated[ObjectId, Depends(customer_id)]


ProductIdPath = Annotated[
    str, Path(description="The product's id", examples=["665f1c2ab1e4c2a1d3f0e9b7"])
]
OrderIdPath = Annotated[
    str, Path(description="The order's id", examples=["665f1c2ab1e4c2a1d3f0e9c3"])
]
UserIdPath = Annotated[
    str, Path(description="The account's id", examples=["665f1c2ab1e4c2a1d3f0e9b7"])
]
SkuPath = Annotated[
    str, Path(pattern=SKU_PATTERN, description="The variant's SKU", examples=["MUG-BLUE"])
]


async def valid_user_id(user_id: UserIdPath) -> ObjectId:
    return object_id_or_404(user_id, "User")


async def valid_public_product(product_id: ProductIdPath, db: DbDep) -> ProductDoc:
    """An active product; inactive and archived ones are hidden from customers."""
    object_id = object_id_or_404(product_id, "Product")
    return await products.get_product(db=db, product_id=object_id, public=True)


async def valid_admin_product(product_id: ProductIdPath, db: DbDep, _: AdminId) -> ProductDoc:
    """Any product that is not archived, active or not."""
    object_id = object_id_or_404(product_id, "Product")
    return await products.get_product(db=db, product_id=object_id, public=False)


async def valid_owned_order(order_id: OrderIdPath, user_id: CustomerId, db: DbDep) -> OrderDoc:
    """The order, if the caller placed it; another customer's order is the same 404."""
    object_id = object_id_or_404(order_id, "Order")
    return await orders.get_order(db=db, order_id=object_id, user_id=user_id)


async def valid_any_order(order_id: OrderIdPath, _: AdminId, db: DbDep) -> OrderDoc:
    object_id = object_id_or_404(order_id, "Order")
    return await orders.get_order(db=db, order_id=object_id, user_id=None)


ValidUserId = Annotated[ObjectId, Depends(valid_user_id)]
PublicProduct = Annotated[ProductDoc, Depends(valid_public_product)]
AdminProduct = Annotated[ProductDoc, Depends(valid_admin_product)]
OwnedOrder = Annotated[OrderDoc, Depends(valid_owned_order)]
AnyOrder = Annotated[OrderDoc, Depends(valid_any_order)]
