"""`/orders`: checkout, my orders, one order, cancel."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Header, Request, Response, status

from backend_shared.deps import DbDep
from backend_shared.errors import BadRequest
from backend_shared.openapi import error_responses
from backend_shared.pagination import Page, PageDep
from orders.dependencies import CatalogDep, CustomerId, OwnedOrder, SettingsDep
from orders.models import CheckoutIn, OrderPublic
from orders.services import orders
from shop_platform.paging import page_of
from shop_platform.runtime import get_runtime

router = APIRouter(prefix="/orders", tags=["orders"])

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=255,
        pattern=r"^[\x21-\x7e]+$",
        description="Required: a key of your choosing, new for each checkout. Sending the "
        "same key again (a retry) returns the same order instead of placing another.",
        examples=["3f2b8c1e-checkout-1"],
    ),
]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Check out: order what is in my cart",
    description="The order starts `pending` at catalog's current prices; catalog then holds "
    "the stock and the order becomes `confirmed`, or `rejected` if some line is short. "
    "A retry with the same `Idempotency-Key` returns the same order with "
    "`Idempotent-Replayed: true`; the same key with a different body is a 422.",
    responses={
        **error_responses(400, 401, 409, 422, 503),
        201: {"headers": {"Idempotent-Replayed": {"schema": {"type": "string"}}}},
    },
)
async def checkout(
    request: Request,
    response: Response,
    db: DbDep,
    user_id: CustomerId,
    catalog: CatalogDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
    data: Annotated[CheckoutIn | None, Body()] = None,
) -> OrderPublic:
    if idempotency_key is None:
        raise BadRequest("The Idempotency-Key header is required", field="Idempotency-Key")
    placed = await orders.checkout(
        db=db,
        catalog=catalog,
        user_id=user_id,
        key=idempotency_key,
        body=data.model_dump() if data else {},
        currency=settings.store_currency,
    )
    if placed.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    else:
        get_runtime(request).events_written()
    return OrderPublic.from_doc(placed.order)


@router.get("", summary="My orders, newest first", responses=error_responses(401, 422))
async def list_orders(db: DbDep, user_id: CustomerId, page: PageDep) -> Page[OrderPublic]:
    docs, total = await orders.list_orders(db=db, user_id=user_id, page=page)
    return page_of(docs, total, page, OrderPublic.from_doc)


@router.get(
    "/{order_id}",
    summary="One of my orders",
    description="Another customer's order is a 404.",
    responses=error_responses(401, 404),
)
async def read_order(order: OwnedOrder) -> OrderPublic:
    return OrderPublic.from_doc(order)


@router.post(
    "/{order_id}/cancel",
    summary="Cancel a pending or confirmed order",
    description="Its stock is released. A rejected or cancelled order is a 409.",
    responses=error_responses(401, 404, 409),
)
async def cancel_order(
    request: Request, order: OwnedOrder, db: DbDep, user_id: CustomerId
) -> OrderPublic:
    cancelled = await orders.cancel(db=db, user_id=user_id, order_id=str(order["_id"]))
    get_runtime(request).events_written()
    return OrderPublic.from_doc(cancelled)
