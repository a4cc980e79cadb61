"""Coupons: a percentage (half-even on each line) or a fixed amount off, redeemed exactly
as many times as allowed, even by a crowd."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from backend_shared.testing.concurrency import release_together

from .utils import (
    User,
    add_to_cart,
    checkout,
    create_product,
    inventory_of,
    money,
    new_sku,
    signup_and_login,
)


async def create_coupon(client: httpx.AsyncClient, admin: User, **fields: Any) -> httpx.Response:
    body = {"code": "WELCOME10", "percent_off": 10, "max_redemptions": 100, **fields}
    return await client.post("/admin/coupons", headers=admin.headers, json=body)


async def test_a_percentage_is_taken_from_each_line_rounded_half_to_even(
    client: httpx.AsyncClient, admin: User, alice: User
) -> None:
    a, b = new_sku("A"), new_sku("B")
    await create_product(client, admin, sku=a, price=1995)
    await create_product(client, admin, sku=b, price=1985)
    assert (await create_coupon(client, admin, code="TEN", percent_off=10)).status_code == 201
    await add_to_cart(client, alice, a)
    await add_to_cart(client, alice, b)
    order = (await checkout(client, alice, coupon_code="ten")).json()
    # 199.5 -> 200 and 198.5 -> 198: half to even on each line.
    assert order["subtotal"]["amount"] == 3980
    assert order["discount"]["amount"] == 398
    assert order["total"]["amount"] == 3980 - 398
    assert order["coupon_code"] == "TEN"
    line_totals = sum(line["line_total"]["amount"] for line in order["lines"])
    assert order["total"]["amount"] == line_totals - order["discount"]["amount"]


async def test_a_fixed_amount_never_takes_the_total_below_zero(
    client: httpx.AsyncClient, admin: User, alice: User
) -> None:
    sku = new_sku()
    await create_product(client, admin, sku=sku, price=500)
    response = await create_coupon(
        client, admin, code="BIG", percent_off=None, amount_off=money(2000)
    )
    assert response.json()["amount_off"] == {"amount": 2000, "currency": "EUR"}
    await add_to_cart(client, alice, sku)
    order = (await checkout(client, alice, coupon_code="BIG")).json()
    assert (order["subtotal"]["amount"], order["discount"]["amount"]) == (500, 500)
    assert order["total"]["amount"] == 0


async def test_coupons_are_validated(client: httpx.AsyncClient, admin: User, alice: User) -> None:
    assert (await create_coupon(client, admin)).status_code == 201
    assert (await create_coupon(client, admin)).status_code == 409
    invalid: list[dict[str, Any]] = [
        {"code": "BOTH", "percent_off": 10, "amount_off": money(100)},
        {"code": "NONE", "percent_off": None},
        {"code": "PCT", "percent_off": 101},
        {"code": "PCT2", "percent_off": 12.5},
        {"code": "lower", "percent_off": 10},
        {"code": "USD", "percent_off": None, "amount_off": money(100, "USD")},
        {"code": "ZERO", "max_redemptions": 0},
    ]
    for fields in invalid:
        response = await create_coupon(client, admin, **fields)
        assert response.status_code == 422, (fields, response.text)
    assert (await create_coupon(client, alice, code="MINE")).status_code == 403


async def test_an_unknown_or_expired_coupon_is_422_and_reserves_nothing(
    client: httpx.AsyncClient, admin: User, alice: User
) -> None:
    sku = new_sku()
    await create_product(client, admin, sku=sku)
    past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    await create_coupon(client, admin, code="OLD", expires_at=past)
    await add_to_cart(client, alice, sku)
    for code in ["NOPE", "OLD"]:
        response = await checkout(client, alice, coupon_code=code)
        assert response.status_code == 422
        assert response.json()["detail"] == "This coupon code is not valid"
    assert (await inventory_of(client, admin, sku))["reserved"] == 0


async def test_a_checkout_that_fails_on_stock_gives_the_redemption_back(
    client: httpx.AsyncClient, admin: User, alice: User
) -> None:
    sku = new_sku()
    await create_product(client, admin, sku=sku, stock=1)
    await create_coupon(client, admin, code="ONCE", max_redemptions=1)
    await add_to_cart(client, alice, sku, 2)
    assert (await checkout(client, alice, coupon_code="ONCE")).status_code == 409
    coupons = (await client.get("/admin/coupons", headers=admin.headers)).json()["items"]
    assert coupons[0]["redemptions"] == 0
    await add_to_cart(client, alice, sku, 1)
    assert (await checkout(client, alice, coupon_code="ONCE")).status_code == 201


async def test_a_coupon_for_five_is_redeemed_five_times_by_twenty_at_once(
    client: httpx.AsyncClient, admin: User
) -> None:
    sku = new_sku()
    await create_product(client, admin, sku=sku, stock=100)
    await create_coupon(client, admin, code="FIRST5", max_redemptions=5)
    customers = [await signup_and_login(client) for _ in range(20)]
    for customer in customers:
        await add_to_cart(client, customer, sku)

    def buy(customer: User) -> Callable[[], Awaitable[httpx.Response]]:
        return lambda: checkout(client, customer, coupon_code="FIRST5")

    responses = await release_together([buy(customer) for customer in customers])
    statuses = [response.status_code for response in responses]
    assert statuses.count(201) == 5
    assert statuses.count(409) == 15
    assert all("used up" in r.json()["detail"] for r in responses if r.status_code == 409)
    [coupon] = (await client.get("/admin/coupons", headers=admin.headers)).json()["items"]
    assert coupon["redemptions"] == 5
    # The refused checkouts reserved nothing that stayed reserved.
    assert (await inventory_of(client, admin, sku))["reserved"] == 5
