"""Coupons: a percentage or a fixed amount off, a redemption limit and an expiry."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, StrictInt, model_validator

from backend_shared.clock import UtcDatetime
from backend_shared.models import StrictModel
from ecommerce_api.models.base import StoredDocument
from ecommerce_api.models.money import Money

COUPON_CODE_PATTERN = r"^[A-Z0-9][A-Z0-9_-]{2,31}$"


class CouponDoc(StoredDocument):
    code: str
    percent_off: int | None
    amount_off: int | None
    max_redemptions: int
    # `remaining` is what the conditional `$inc` guards; `redemptions` is for people.
    remaining: int
    redemptions: int
    expires_at: datetime | None
    created_at: datetime


class CouponCreate(StrictModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "code": "WELCOME10",
                "percent_off": 10,
                "max_redemptions": 100,
                "expires_at": "2026-12-31T23:59:59Z",
            }
        }
    )

    code: str = Field(pattern=COUPON_CODE_PATTERN, examples=["WELCOME10"])
    percent_off: StrictInt | None = Field(default=None, ge=1, le=100)
    amount_off: Money | None = None
    max_redemptions: StrictInt = Field(ge=1, le=1_000_000)
    expires_at: UtcDatetime | None = None

    @model_validator(mode="after")
    def _one_kind_of_discount(self) -> CouponCreate:
        if (self.percent_off is None) == (self.amount_off is None):
            raise ValueError("give exactly one of percent_off and amount_off")
        return self


class CouponPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "code": "WELCOME10",
                "percent_off": 10,
                "amount_off": None,
                "max_redemptions": 100,
                "redemptions": 3,
                "expires_at": "2026-12-31T23:59:59Z",
                "created_at": "2026-11-21T09:30:00Z",
            }
        }
    )

    code: str
    percent_off: int | None
    amount_off: Money | None
    max_redemptions: int
    redemptions: int
    expires_at: datetime | None
    created_at: datetime

    @classmethod
    def from_doc(cls, doc: CouponDoc, *, currency: str) -> CouponPublic:
        return cls(
            code=doc.code,
            percent_off=doc.percent_off,
            amount_off=None
            if doc.amount_off is None
            else Money(amount=doc.amount_off, currency=currency),
            max_redemptions=doc.max_redemptions,
            redemptions=doc.redemptions,
            expires_at=doc.expires_at,
            created_at=doc.created_at,
        )
