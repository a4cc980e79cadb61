"""The cart and checkout: the order is made at catalog's prices, once per key."""

from __future__ import annotations

from functools import partial
from typing import Any

import httpx

from backend_shared.testing.concurrency import release_together
from orders.services.store import ORDERS
from shop_platform.runtime import ShopRuntime

from .conftest import FakeCatalog


async def fill_cart(client: httpx.AsyncClient, headers: dict[str, str], **items: int) -> None:
    for sku, quantity in items.items():
        response = await client.put(
            f"/cart/items/{sku}", json={"quantity": quantity}, headers=headers
        )
        assert response.status_code == 200, response.text


async def checkout(
    client: httpx.AsyncClient, headers: dict[str, str], key: str = "k1", **kw: Any
) -> httpx.Response:
    return await client.post("/orders", headers={**headers, "Idempotency-Key": key}, **kw)


async def test_the_cart_holds_what_catalog_sells(
    shop_client: httpx.AsyncClient, catalog: FakeCatalog, alice: dict[str, str]
) -> None:
    catalog.add("MUG")
    await fill_cart(shop_client, alice, MUG=2)
    assert (await shop_client.get("/cart", headers=alice)).json() == {
        "items": [{"sku": "MUG", "quantity": 2}]
    }
    unknown = await shop_client.put("/cart/items/CUP", json={"quantity": 1}, headers=alice)
    assert unknown.status_code == 404
    await fill_cart(shop_client, alice, MUG=0)
    assert (await shop_client.get("/cart", headers=alice)).json() == {"items": []}


async def test_checkout_places_a_pending_order_at_current_prices_and_empties_the_cart(
    shop_client: httpx.AsyncClient,
    catalog: FakeCatalog,
    alice: dict[str, str],
    runtime: ShopRuntime,
) -> None:
    mug, plate = catalog.add("MUG", 1250), catalog.add("PLATE", 800)
    await fill_cart(shop_client, alice, MUG=2, PLATE=1)

    response = await checkout(shop_client, alice)

    assert response.status_code == 201, response.text
    order = response.json()
    assert order["status"] == "pending"
    assert order["total"] == {"amount": 3300, "currency": "EUR"}
    assert [
        (line["sku"], line["product_id"], line["line_total"]["amount"]) for line in order["lines"]
    ] == [
        ("MUG", mug["id"], 2500),
        ("PLATE", plate["id"], 800),
    ]
    assert (await shop_client.get("/cart", headers=alice)).json() == {"items": []}
    stored = await runtime.database[ORDERS].find_one({})
    assert stored is not None
    assert [event["type"] for event in stored["outbox"]] == ["order.placed"]


async def test_checkout_needs_a_key_and_a_cart(
    shop_client: httpx.AsyncClient, catalog: FakeCatalog, alice: dict[str, str]
) -> None:
    assert (await shop_client.post("/orders", headers=alice)).status_code == 400
    assert (await checkout(shop_client, alice)).status_code == 409  # empty cart


async def test_the_same_key_returns_the_same_order(
    shop_client: httpx.AsyncClient, catalog: FakeCatalog, alice: dict[str, str]
) -> None:
    catalog.add("MUG")
    await fill_cart(shop_client, alice, MUG=1)
    first = await checkout(shop_client, alice)
    again = await checkout(shop_client, alice)
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    different = await checkout(shop_client, alice, json={"unexpected": 1})
    assert different.status_code == 422


async def test_twenty_retries_at_once_make_one_order(
    shop_client: httpx.AsyncClient, catalog: FakeCatalog, alice: dict[str, str]
) -> None:
    catalog.add("MUG")
    await fill_cart(shop_client, alice, MUG=1)

    answers = await release_together([partial(checkout, shop_client, alice, "double-click")] * 20)

    assert {answer.status_code for answer in answers} == {201}
    assert len({answer.json()["id"] for answer in answers}) == 1
    assert (await shop_client.get("/orders", headers=alice)).json()["total"] == 1


async def test_another_customers_order_is_a_404(
    shop_client: httpx.AsyncClient, catalog: FakeCatalog, alice: dict[str, str], bob: dict[str, str]
) -> None:
    catalog.add("MUG")
    await fill_cart(shop_client, alice, MUG=1)
    order = (await checkout(shop_client, alice)).json()
    assert (await shop_client.get(f"/orders/{order['id']}", headers=bob)).status_code == 404
    assert (await shop_client.post(f"/orders/{order['id']}/cancel", headers=bob)).status_code == 404
    assert (await shop_client.get("/orders", headers=bob)).json()["items"] == []
    assert (await shop_client.get("/orders/not-an-id", headers=alice)).status_code == 404


async def test_with_catalog_down_checkout_is_a_503_and_soon_costs_nothing(
    shop_client: httpx.AsyncClient, catalog: FakeCatalog, alice: dict[str, str]
) -> None:
    catalog.add("MUG")
    await fill_cart(shop_client, alice, MUG=1)
    catalog.down = True
    calls = catalog.calls

    answers = [await checkout(shop_client, alice, f"k{n}") for n in range(4)]

    assert [answer.status_code for answer in answers] == [503] * 4
    assert answers[-1].json()["detail"] == "catalog is unavailable (circuit open); retry shortly"
    assert catalog.calls - calls == 3  # two tries, one try, then the breaker answered alone
    assert (await shop_client.get("/cart", headers=alice)).json()["items"] != []


async def test_a_stranger_gets_401(shop_client: httpx.AsyncClient) -> None:
    for path in ("/cart", "/orders"):
        response = await shop_client.get(path, headers={"X-User-Id": "665f1c2ab1e4c2a1d3f0e9b7"})
        assert response.status_code == 401
