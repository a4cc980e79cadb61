"""Checkout and the customer's orders."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, status
from fastapi.responses import JSONResponse

from backend_shared.deps import DbDep
from backend_shared.errors import BadRequest
from backend_shared.openapi import error_responses
from backend_shared.pagination import Page, PageDep
from ecommerce_api import flows
from ecommerce_api.dependencies import (
    CatalogueCacheDep,
    CustomerId,
    OwnedOrder,
    PaymentProviderDep,
    SettingsDep,
    WaitersDep,
)
from ecommerce_api.models.orders import CheckoutIn, OrderPublic
from ecommerce_api.paging import page_of
from ecommerce_api.services import checkout, idempotency, orders

router = APIRouter(tags=["orders"])

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        pattern=r"^[\x21-\x7e]{1,255}$",
        description="Required. A unique key per checkout (a UUID); a retry sends the same one.",
        examples=["5f0c1d9e-8b7a-4c3d-9e2f-1a2b3c4d5e6f"],
    ),
]

CHECKOUT_RESPONSES: dict[int | str, dict[str, Any]] = {
    **error_responses(400, 401, 409, 422),
    201: {
        "description": "The order, created now or (with `Idempotent-Replayed: true`) earlier "
        "by a request with the same key and body",
        "headers": {
            "Idempotent-Replayed": {
                "description": "`true` when this is the answer to an earlier request",
                "schema": {"type": "string", "enum": ["true"]},
            }
        },
    },
}


@router.post(
    "/checkout",
    status_code=status.HTTP_201_CREATED,
    response_model=OrderPublic,
    summary="Turn my cart into an order and reserve its stock",
    description="Needs an `Idempotency-Key` header (400 without one). The same key with the "
    "same body, sent again or many times at once, creates one order and every answer is "
    "that order; with a different body it is 422. 409 names the SKUs short of stock (then "
    "nothing stays reserved), or a coupon that has been used up.",
    responses=CHECKOUT_RESPONSES,
)
async def place_order(
    data: CheckoutIn,
    user_id: CustomerId,
    db: DbDep,
    settings: SettingsDep,
    provider: PaymentProviderDep,
    waiters: WaitersDep,
    cache: CatalogueCacheDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    if idempotency_key is None:
        raise BadRequest("The Idempotency-Key header is required", field="Idempotency-Key")

    async def create() -> tuple[int, dict[str, Any]]:
        order = await checkout.place_order(
            db=db,
            provider=provider,
            user_id=user_id,
            data=data,
            currency=settings.store_currency,
            payment_timeout_seconds=settings.order_payment_timeout_seconds,
        )
        return status.HTTP_201_CREATED, OrderPublic.from_doc(order).model_dump(mode="json")

    result = await idempotency.run_once(
        db=db,
        waiters=waiters,
        user_id=user_id,
        key=idempotency_key,
        body=data.model_dump(mode="json"),
        wait_seconds=settings.idempotency_wait_seconds,
        action=create,
    )
    flows.catalogue_changed(cache)  # stock was reserved
    headers = {"Idempotent-Replayed": "true"} if result.replayed else None
    return JSONResponse(result.body, status_code=result.status, headers=headers)


@router.get("/orders", summary="My orders, newest first", responses=error_responses(401, 422))
async def list_my_orders(user_id: CustomerId, db: DbDep, page: PageDep) -> Page[OrderPublic]:
    items, total = await orders.list_orders(db=db, page=page, user_id=user_id, filters=None)
    return page_of(items, total, page, OrderPublic.from_doc)


@router.get(
    "/orders/{order_id}", summary="One of my orders", responses=error_responses(401, 404, 422)
)
async def read_my_order(order: OwnedOrder) -> OrderPublic:
    return OrderPublic.from_doc(order)


@router.post(
    "/orders/{order_id}/cancel",
    summary="Cancel my unpaid order; its stock goes back",
    responses=error_responses(401, 404, 409, 422),
)
async def cancel_order(
    order: OwnedOrder, db: DbDep, provider: PaymentProviderDep, cache: CatalogueCacheDep
) -> OrderPublic:
    cancelled = await orders.cancel(db=db, order=order, provider=provider)
    flows.catalogue_changed(cache)  # stock was released
    return OrderPublic.from_doc(cancelled)
