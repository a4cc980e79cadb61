"""Checkout: an order from the cart with its stock reserved, all or nothing, idempotent."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from backend_shared.testing.concurrency import release_together

from .utils import (
    ADDRESS,
    User,
    add_to_cart,
    checkout,
    create_product,
    inventory_of,
    money,
    new_sku,
    signup_and_login,
)


async def test_checkout_makes_an_order_reserves_its_stock_and_empties_the_cart(
    client: httpx.AsyncClient, admin: User, alice: User
) -> None:
    sku = new_sku()
    product = await create_product(client, admin, name="Mug", sku=sku, price=1299, stock=10)
    await add_to_cart(client, alice, sku, 3)
    response = await checkout(client, alice)
    assert response.status_code == 201, response.text
    assert "Idempotent-Replayed" not in response.headers
    order = response.json()
    assert order["status"] == "pending_payment"
    assert order["user_id"] == alice.id
    assert order["lines"] == [
        {
            "sku": sku,
            "product_id": product["id"],
            "name": "Mug (Blue)",
            "unit_price": {"amount": 1299, "currency": "EUR"},
            "quantity": 3,
            "line_total": {"amount": 3897, "currency": "EUR"},
        }
    ]
    assert order["subtotal"] == order["total"] == {"amount": 3897, "currency": "EUR"}
    assert order["discount"] == {"amount": 0, "currency": "EUR"}
    assert order["currency"] == "EUR"
    assert order["shipping_address"] == {**ADDRESS, "line2": None}
    assert order["payment"]["status"] == "requires_payment"
    assert order["payment"]["intent_id"].startswith("pi_")
    assert [entry["status"] for entry in order["history"]] == ["pending_payment"]
    assert order["expires_at"] > order["created_at"]

    item = await inventory_of(client, admin, sku)
    assert (item["on_hand"], item["reserved"], item["available"]) == (10, 3, 7)
    assert (await client.get("/cart", headers=alice.headers)).json()["items"] == []
    assert (await client.get(f"/orders/{order['id']}", headers=alice.headers)).json() == order


async def test_an_order_keeps_the_price_and_name_it_was_placed_with(
    client: httpx.AsyncClient, admin: User, alice: User
) -> None:
    sku = new_sku()
    product = await create_product(client, admin, name="Mug", sku=sku, price=1299)
    await add_to_cart(client, alice, sku)
    order = (await checkout(client, alice)).json()
    await client.patch(
        f"/products/{product['id']}",
        headers=admin.headers,
        json={"name": "Renamed", "variants": [{"sku": sku, "price": money(9999)}]},
    )
    again = (await client.get(f"/orders/{order['id']}", headers=alice.headers)).json()
    assert again["lines"] == order["lines"]
    assert again["total"] == {"amount": 1299, "currency": "EUR"}


async def test_checkout_without_an_idempotency_key_is_400(
    client: httpx.AsyncClient, admin: User, alice: User
) -> None:
    sku = new_sku()
    await create_product(client, admin, sku=sku)
    await add_to_cart(client, alice, sku)
    response = await client.post(
        "/checkout", headers=alice.headers, json={"shipping_address": ADDRESS}
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert "Idempotency-Key" in response.json()["detail"]
    assert (await inventory_of(client, admin, sku))["reserved"] == 0


async def test_an_empty_cart_cannot_be_checked_out(client: httpx.AsyncClient, alice: User) -> None:
    response = await checkout(client, alice)
    assert response.status_code == 409
    assert response.json()["detail"] == "Your cart is empty"


async def test_bad_checkout_bodies_are_422(
    client: httpx.AsyncClient, admin: User, alice: User
) -> None:
    sku = new_sku()
    await create_product(client, admin, sku=sku)
    await add_to_cart(client, alice, sku)
    for body in [
        {},
        {"shipping_address": {**ADDRESS, "country": "United Kingdom"}},
        {"shipping_address": {**ADDRESS, "name": ""}},
        {"shipping_address": ADDRESS, "total": 1},
        {"shipping_address": ADDRESS, "coupon_code": "NOPE"},
    ]:
        response = await client.post(
            "/checkout", headers={**alice.headers, "Idempotency-Key": uuid.uuid4().hex}, json=body
        )
        assert response.status_code == 422, (body, response.text)
    assert (await inventory_of(client, admin, sku))["reserved"] == 0


async def test_when_a_line_is_short_nothing_stays_reserved_and_the_409_names_it(
    client: httpx.AsyncClient, admin: User, alice: User
) -> None:
    plenty, scarce, none_left = new_sku("PLENTY"), new_sku("SCARCE"), new_sku("NONE")
    await create_product(client, admin, sku=plenty, stock=10)
    await create_product(client, admin, sku=scarce, stock=1)
    await create_product(client, admin, sku=none_left, stock=0)
    await add_to_cart(client, alice, plenty, 2)
    await add_to_cart(client, alice, scarce, 2)
    await add_to_cart(client, alice, none_left, 1)
    response = await checkout(client, alice)
    assert response.status_code == 409
    detail = response.json()["detail"]
    assert scarce in detail
    assert none_left in detail
    assert plenty not in detail
    for sku in (plenty, scarce, none_left):
        assert (await inventory_of(client, admin, sku))["reserved"] == 0
    assert len((await client.get("/cart", headers=alice.headers)).json()["items"]) == 3
    assert (await client.get("/orders", headers=alice.headers)).json()["total"] == 0
    ledger = await client.get(f"/admin/inventory/{plenty}/movements", headers=admin.headers)
    kinds = [(m["kind"], m["reserved_delta"]) for m in ledger.json()["items"]]
    assert kinds == [("released", -2), ("reserved", 2), ("initial", 0)]


async def test_the_same_key_and_body_again_replays_the_same_order(
    client: httpx.AsyncClient, admin: User, alice: User
) -> None:
    sku = new_sku()
    await create_product(client, admin, sku=sku, stock=10)
    await add_to_cart(client, alice, sku, 2)
    first = await checkout(client, alice, key="order-1")
    second = await checkout(client, alice, key="order-1")
    assert first.status_code == second.status_code == 201
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.json() == first.json()
    assert (await inventory_of(client, admin, sku))["reserved"] == 2
    assert (await client.get("/orders", headers=alice.headers)).json()["total"] == 1


async def test_the_same_key_with_a_different_body_is_422(
    client: httpx.AsyncClient, admin: User, alice: User
) -> None:
    sku = new_sku()
    await create_product(client, admin, sku=sku)
    await add_to_cart(client, alice, sku)
    assert (await checkout(client, alice, key="k")).status_code == 201
    other = await client.post(
        "/checkout",
        headers={**alice.headers, "Idempotency-Key": "k"},
        json={"shipping_address": {**ADDRESS, "city": "Paris"}},
    )
    assert other.status_code == 422
    assert "different request body" in other.json()["detail"]


async def test_a_key_belongs_to_its_customer(
    client: httpx.AsyncClient, admin: User, alice: User, bob: User
) -> None:
    sku = new_sku()
    await create_product(client, admin, sku=sku)
    await add_to_cart(client, alice, sku)
    await add_to_cart(client, bob, sku)
    mine = await checkout(client, alice, key="shared-key")
    theirs = await checkout(client, bob, key="shared-key")
    assert mine.status_code == theirs.status_code == 201
    assert "Idempotent-Replayed" not in theirs.headers
    assert mine.json()["id"] != theirs.json()["id"]
    assert theirs.json()["user_id"] == bob.id


async def test_a_failed_checkout_lets_its_key_be_used_again(
    client: httpx.AsyncClient, admin: User, alice: User
) -> None:
    sku = new_sku()
    await create_product(client, admin, sku=sku, stock=1)
    await add_to_cart(client, alice, sku, 2)
    assert (await checkout(client, alice, key="retry-me")).status_code == 409
    await add_to_cart(client, alice, sku, 1)
    assert (await checkout(client, alice, key="retry-me")).status_code == 201


async def test_twenty_identical_requests_at_once_make_one_order(
    client: httpx.AsyncClient, admin: User, alice: User
) -> None:
    sku = new_sku()
    await create_product(client, admin, sku=sku, stock=100)
    await add_to_cart(client, alice, sku, 1)

    async def send() -> httpx.Response:
        return await checkout(client, alice, key="double-click")

    responses = await release_together([send] * 20)
    assert [response.status_code for response in responses] == [201] * 20
    assert len({response.json()["id"] for response in responses}) == 1
    replayed = [response.headers.get("Idempotent-Replayed") for response in responses]
    assert replayed.count("true") == 19
    assert (await client.get("/orders", headers=alice.headers)).json()["total"] == 1
    assert (await inventory_of(client, admin, sku))["reserved"] == 1


async def test_fifty_customers_racing_for_ten_units_make_exactly_ten_orders(
    client: httpx.AsyncClient, app: Any, admin: User
) -> None:
    sku = new_sku("HOT")
    await create_product(client, admin, sku=sku, stock=10)
    customers = [await signup_and_login(client) for _ in range(50)]
    for customer in customers:
        await add_to_cart(client, customer, sku, 1)

    inventory = app.state.db["inventory"]
    done = asyncio.Event()
    seen: list[tuple[int, int]] = []

    async def watch() -> None:
        # Samples the counters while the checkouts run: never more reserved than on hand.
        while not done.is_set():
            doc = await inventory.find_one({"sku": sku})
            seen.append((doc["on_hand"], doc["reserved"]))

    def buy(customer: User) -> Callable[[], Awaitable[int]]:
        async def call() -> int:
            return (await checkout(client, customer)).status_code

        return call

    watcher = asyncio.create_task(watch())
    statuses = await release_together([buy(customer) for customer in customers])
    done.set()
    await watcher

    assert statuses.count(201) == 10
    assert statuses.count(409) == 40
    assert seen
    assert all(on_hand - reserved >= 0 for on_hand, reserved in seen)
    item = await inventory_of(client, admin, sku)
    assert (item["on_hand"], item["reserved"], item["available"]) == (10, 10, 0)
    orders = await client.get("/admin/orders", headers=admin.headers, params={"limit": 100})
    assert orders.json()["total"] == 10
