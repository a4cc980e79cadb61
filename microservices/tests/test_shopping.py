"""The shop as its customers see it, through the gateway, on the running processes."""

from __future__ import annotations

import asyncio
from functools import partial

import httpx

from backend_shared.testing.concurrency import release_together
from shop_platform.processes import Shop

from .shopper import Shopper, available, new_product, sign_up


def test_signing_up_sends_a_welcome_email(shop: Shop) -> None:
    customer = sign_up(shop, "welcome")

    [mail] = shop.mailbox.wait_for(customer.email)
    assert mail["Subject"] == "Welcome to the shop"
    listed = customer.call("GET", "/notifications").json()
    assert [item["kind"] for item in listed["items"]] == ["welcome"]


async def test_five_customers_three_mugs_three_orders_confirmed(shop: Shop, admin: Shopper) -> None:
    mug = new_product(admin, stock=3)
    customers = [sign_up(shop, f"crowd{n}") for n in range(5)]
    for customer in customers:
        customer.add_to_cart(mug["sku"])
        shop.mailbox.wait_for(customer.email)  # the welcome mail, out of the way

    async def check_out(customer: Shopper) -> str:
        async with httpx.AsyncClient(base_url=shop.gateway, timeout=30) as client:
            response = await client.post(
                "/orders", headers={**customer.headers, "Idempotency-Key": customer.email}
            )
        assert response.status_code == 201, response.text
        order_id: str = response.json()["id"]
        return order_id

    order_ids = await release_together([partial(check_out, customer) for customer in customers])

    outcomes = {
        customer.email: await asyncio.to_thread(
            customer.wait_for_status, order_id, "confirmed", "rejected"
        )
        for customer, order_id in zip(customers, order_ids, strict=True)
    }
    statuses = sorted(order["status"] for order in outcomes.values())
    assert statuses == ["confirmed"] * 3 + ["rejected"] * 2
    assert available(shop, mug["id"]) == 0
    for customer in customers:
        order = outcomes[customer.email]
        mails = await asyncio.to_thread(shop.mailbox.wait_for, customer.email, 2)
        expected = "is confirmed" if order["status"] == "confirmed" else "could not be placed"
        assert mails[1]["Subject"] == f"Order {order['id']} {expected}"
        if order["status"] == "rejected":
            assert order["short"] == [{"sku": mug["sku"], "requested": 1, "available": 0}]
