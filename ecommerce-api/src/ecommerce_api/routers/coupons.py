"""Coupons, for admins."""

from __future__ import annotations

from fastapi import APIRouter, status

from backend_shared.deps import DbDep
from backend_shared.openapi import error_responses
from backend_shared.pagination import Page, PageDep
from ecommerce_api.dependencies import AdminId, SettingsDep
from ecommerce_api.models.coupons import CouponCreate, CouponPublic
from ecommerce_api.paging import page_of
from ecommerce_api.services import coupons

router = APIRouter(prefix="/admin/coupons", tags=["admin"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Create a coupon: percent_off or amount_off, a redemption limit, an expiry (admin)",
    responses=error_responses(401, 403, 409, 422),
)
async def create_coupon(
    data: CouponCreate, admin_id: AdminId, db: DbDep, settings: SettingsDep
) -> CouponPublic:
    coupon = await coupons.create_coupon(
        db=db, admin_id=admin_id, data=data, currency=settings.store_currency
    )
    return CouponPublic.from_doc(coupon, currency=settings.store_currency)


@router.get("", summary="Coupons, newest first (admin)", responses=error_responses(401, 403, 422))
async def list_coupons(
    _: AdminId, db: DbDep, page: PageDep, settings: SettingsDep
) -> Page[CouponPublic]:
    items, total = await coupons.list_coupons(db=db, page=page)
    return page_of(
        items, total, page, lambda doc: CouponPublic.from_doc(doc, currency=settings.store_currency)
    )
