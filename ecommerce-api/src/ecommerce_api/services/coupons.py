"""Coupons. A redemption is one conditional `$inc` on the coupon's `remaining` counter:
20 checkouts racing for a coupon with 5 redemptions left make exactly 5 orders."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bson import ObjectId
from pymongo import DESCENDING
from pymongo.errors import DuplicateKeyError

from backend_shared.clock import utcnow
from backend_shared.db import Database
from backend_shared.errors import Conflict, Unprocessable
from backend_shared.pagination import PageParams
from ecommerce_api.models.coupons import CouponCreate, CouponDoc
from ecommerce_api.paging import find_page
from ecommerce_api.services import audit
from ecommerce_api.services.collections import COUPONS


def normalise_code(code: str) -> str:
    return code.strip().upper()


async def create_coupon(
    *, db: Database, admin_id: ObjectId, data: CouponCreate, currency: str
) -> CouponDoc:
    if data.amount_off is not None and data.amount_off.currency != currency:
        raise Unprocessable(f"Amounts are in the store currency, {currency}", field="amount_off")
    coupon = CouponDoc(
        code=data.code,
        percent_off=data.percent_off,
        amount_off=None if data.amount_off is None else data.amount_off.amount,
        max_redemptions=data.max_redemptions,
        remaining=data.max_redemptions,
        redemptions=0,
        expires_at=data.expires_at,
        created_at=utcnow(),
    )
    try:
        await db[COUPONS].insert_one(coupon.to_mongo())
    except DuplicateKeyError:
        raise Conflict(f"Coupon {data.code} already exists", field="code") from None
    await audit.record(
        db=db,
        actor_id=admin_id,
        action="coupon.created",
        target_type="coupon",
        target_id=coupon.code,
        details=data.model_dump(mode="json", exclude={"code"}),
    )
    return coupon


def _live(now: datetime) -> dict[str, Any]:
    return {"$or": [{"expires_at": None}, {"expires_at": {"$gt": now}}]}


async def find_usable(*, db: Database, code: str) -> CouponDoc:
    """The coupon, if it exists and has not expired (422 otherwise: the code is wrong)."""
    doc = await db[COUPONS].find_one({"code": normalise_code(code), **_live(utcnow())})
    if doc is None:
        raise Unprocessable("This coupon code is not valid", field="coupon_code")
    return CouponDoc.from_mongo(doc)


async def redeem(*, db: Database, coupon: CouponDoc) -> None:
    """Use one redemption, or 409 if none is left; the check and the count are one step."""
    result = await db[COUPONS].update_one(
        {"_id": coupon.id, "remaining": {"$gt": 0}, **_live(utcnow())},
        {"$inc": {"remaining": -1, "redemptions": 1}},
    )
    if result.modified_count == 0:
        raise Conflict(f"Coupon {coupon.code} has been used up", field="coupon_code")


async def give_back(*, db: Database, coupon: CouponDoc) -> None:
    """Undo a redemption whose checkout failed afterwards."""
    await db[COUPONS].update_one({"_id": coupon.id}, {"$inc": {"remaining": 1, "redemptions": -1}})


async def list_coupons(*, db: Database, page: PageParams) -> tuple[list[CouponDoc], int]:
    docs, total = await find_page(
        db[COUPONS], {}, sort=[("created_at", DESCENDING), ("_id", DESCENDING)], page=page
    )
    return [CouponDoc.from_mongo(doc) for doc in docs], total
