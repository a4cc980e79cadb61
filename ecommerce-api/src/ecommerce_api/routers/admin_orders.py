"""Orders, for admins: every customer's, and the transitions only an admin makes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from backend_shared.deps import DbDep
from backend_shared.openapi import error_responses
from backend_shared.pagination import Page, PageDep
from ecommerce_api.dependencies import AdminId, AnyOrder, PaymentProviderDep
from ecommerce_api.models.orders import OrderFilters, OrderPublic, OrderStatus
from ecommerce_api.paging import page_of
from ecommerce_api.services import orders

router = APIRouter(prefix="/admin/orders", tags=["admin"])


@router.get(
    "", summary="All orders, newest first (admin)", responses=error_responses(401, 403, 422)
)
async def list_orders(
    _: AdminId, db: DbDep, page: PageDep, filters: Annotated[OrderFilters, Query()]
) -> Page[OrderPublic]:
    items, total = await orders.list_orders(db=db, page=page, user_id=None, filters=filters)
    return page_of(items, total, page, OrderPublic.from_doc)


@router.get(
    "/{order_id}", summary="Any order (admin)", responses=error_responses(401, 403, 404, 422)
)
async def read_order(order: AnyOrder) -> OrderPublic:
    return OrderPublic.from_doc(order)


@router.post(
    "/{order_id}/fulfil",
    summary="Mark a paid order fulfilled (shipped) (admin)",
    responses=error_responses(401, 403, 404, 409, 422),
)
async def fulfil_order(order: AnyOrder, admin_id: AdminId, db: DbDep) -> OrderPublic:
    updated = await orders.admin_transition(
        db=db, order=order, to=OrderStatus.FULFILLED, admin_id=admin_id
    )
    return OrderPublic.from_doc(updated)


@router.post(
    "/{order_id}/deliver",
    summary="Mark a fulfilled order delivered (admin)",
    responses=error_responses(401, 403, 404, 409, 422),
)
async def deliver_order(order: AnyOrder, admin_id: AdminId, db: DbDep) -> OrderPublic:
    updated = await orders.admin_transition(
        db=db, order=order, to=OrderStatus.DELIVERED, admin_id=admin_id
    )
    return OrderPublic.from_doc(updated)


@router.post(
    "/{order_id}/refund",
    summary="Refund a paid order through the payment provider (admin)",
    description="The whole payment goes back; the stock stays sold (an admin adjusts it "
    "if the goods come back).",
    responses=error_responses(401, 403, 404, 409, 422),
)
async def refund_order(
    order: AnyOrder, admin_id: AdminId, db: DbDep, provider: PaymentProviderDep
) -> OrderPublic:
    refunded = await orders.refund(db=db, order=order, admin_id=admin_id, provider=provider)
    return OrderPublic.from_doc(refunded)
