"""Money: an integer amount in the currency's minor units (cents) and the currency code.

No floats anywhere: 0.1 + 0.2 is not 0.3 in binary floating point, and a shop that adds
prices in floats is wrong by a cent sooner or later. The one rounding rule, for percentage
discounts, is half-even ("banker's rounding") applied to each line's total, so the order's
discount is the sum of its lines' discounts and rounding errors do not drift one way.
See docs/learning/money-in-minor-units.md."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictInt

# Up to a hundred million in major units: far beyond any basket, far below int64.
MAX_AMOUNT = 10_000_000_000

# StrictInt: `19.99` and `"1999"` are 422s, not silently converted.
Amount = Annotated[StrictInt, Field(ge=0, le=MAX_AMOUNT, examples=[1999])]
CurrencyCode = Annotated[str, Field(pattern=r"^[A-Z]{3}$", examples=["EUR"])]


class Money(BaseModel):
    """`{"amount": 1999, "currency": "EUR"}` is EUR 19.99."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"example": {"amount": 1999, "currency": "EUR"}}
    )

    amount: Amount
    currency: CurrencyCode


def percent_of(amount: int, percent: int) -> int:
    """`percent`% of `amount`, rounded half to even in integer arithmetic:
    10% of 1995 is 199.5 -> 200 (200 is even), 10% of 1985 is 198.5 -> 198."""
    quotient, remainder = divmod(amount * percent, 100)
    if remainder * 2 > 100 or (remainder * 2 == 100 and quotient % 2 == 1):
        quotient += 1
    return quotient


def line_discounts(
    line_totals: list[int], *, percent_off: int | None, amount_off: int | None
) -> int:
    """The discount on an order whose lines total `line_totals`.

    A percentage is taken from each line and rounded there (half-even); a fixed amount comes
    off the subtotal and never takes it below zero."""
    if percent_off is not None:
        return sum(percent_of(total, percent_off) for total in line_totals)
    if amount_off is not None:
        return min(amount_off, sum(line_totals))
    return 0
