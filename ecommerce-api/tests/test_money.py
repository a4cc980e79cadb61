"""Money in integer minor units, and the one rounding rule: half-even, on each line."""

from __future__ import annotations

import pytest

from ecommerce_api.models.money import line_discounts, percent_of


@pytest.mark.parametrize(
    ("amount", "percent", "expected"),
    [
        (1000, 10, 100),
        (1995, 10, 200),  # 199.5 -> 200: the even neighbour
        (1985, 10, 198),  # 198.5 -> 198: the even neighbour
        (1999, 15, 300),  # 299.85 -> 300
        (1, 50, 0),  # 0.5 -> 0
        (3, 50, 2),  # 1.5 -> 2
        (999, 100, 999),
        (999, 0, 0),
    ],
)
def test_a_percentage_is_rounded_half_to_even(amount: int, percent: int, expected: int) -> None:
    assert percent_of(amount, percent) == expected


def test_a_percentage_discount_is_rounded_on_each_line_then_summed() -> None:
    # 10% of 1995 is 199.5 and of 1985 is 198.5: 200 + 198, not round(398.0) by luck.
    assert line_discounts([1995, 1985], percent_off=10, amount_off=None) == 398
    # Three lines of 5 at 10%: each 0.5 rounds to 0; the order's discount is 0, not 2.
    assert line_discounts([5, 5, 5], percent_off=10, amount_off=None) == 0


def test_a_fixed_discount_never_takes_the_total_below_zero() -> None:
    assert line_discounts([500, 300], percent_off=None, amount_off=1000) == 800
    assert line_discounts([500], percent_off=None, amount_off=200) == 200
    assert line_discounts([500], percent_off=None, amount_off=None) == 0
