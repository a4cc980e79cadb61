"""The cart: current prices, line totals, the subtotal, and warnings."""

from __future__ import annotations

import httpx

from .utils import User, add_to_cart, create_product, money, new_sku


async def test_a_cart_shows_current_prices_line_totals_and_the_subtotal(
    client: httpx.AsyncClient, admin: User, alice: User
) -> None:
    mug, pan = new_sku("MUG"), new_sku("PAN")
    mug_product = await create_product(client, admin, name="Mug", sku=mug, price=1299)
    await create_product(client, admin, name="Pan", sku=pan, price=3500)
    await add_to_cart(client, alice, mug, 2)
    await add_to_cart(client, alice, pan, 1)
    cart = (await client.get("/cart", headers=alice.headers)).json()
    assert cart["subtotal"] == {"amount": 2 * 1299 + 3500, "currency": "EUR"}
    first = cart["items"][0]
    assert first == {
        "sku": mug,
        "product_id": mug_product["id"],
        "name": "Mug (Blue)",
        "unit_price": {"amount": 1299, "currency": "EUR"},
        "quantity": 2,
        "line_total": {"amount": 2598, "currency": "EUR"},
        "available": 10,
        "warning": None,
    }
    # A price change shows at once in the cart (the cart holds no prices).
    await client.patch(
        f"/products/{mug_product['id']}",
        headers=admin.headers,
        json={"variants": [{"sku": mug, "price": money(1000)}]},
    )
    cart = (await client.get("/cart", headers=alice.headers)).json()
    assert cart["subtotal"]["amount"] == 2000 + 3500


async def test_a_quantity_of_zero_removes_a_line_and_delete_empties(
    client: httpx.AsyncClient, admin: User, alice: User
) -> None:
    mug, pan = new_sku(), new_sku()
    await create_product(client, admin, sku=mug)
    await create_product(client, admin, sku=pan)
    await add_to_cart(client, alice, mug, 2)
    await add_to_cart(client, alice, pan, 1)
    cart = await client.put(f"/cart/items/{mug}", headers=alice.headers, json={"quantity": 0})
    assert [item["sku"] for item in cart.json()["items"]] == [pan]
    cart = await client.delete(f"/cart/items/{pan}", headers=alice.headers)
    assert cart.json()["items"] == []
    await add_to_cart(client, alice, mug, 1)
    cart = await client.delete("/cart", headers=alice.headers)
    assert cart.json() == {"items": [], "subtotal": {"amount": 0, "currency": "EUR"}}


async def test_a_line_asking_for_more_than_is_available_carries_a_warning(
    client: httpx.AsyncClient, admin: User, alice: User
) -> None:
    sku = new_sku()
    await create_product(client, admin, sku=sku, stock=3)
    await add_to_cart(client, alice, sku, 5)
    [line] = (await client.get("/cart", headers=alice.headers)).json()["items"]
    assert (line["available"], line["warning"]) == (3, "Only 3 available")


async def test_an_archived_product_in_a_cart_is_flagged_and_not_counted(
    client: httpx.AsyncClient, admin: User, alice: User
) -> None:
    sku = new_sku()
    product = await create_product(client, admin, sku=sku, price=500)
    await add_to_cart(client, alice, sku, 1)
    await client.delete(f"/products/{product['id']}", headers=admin.headers)
    cart = (await client.get("/cart", headers=alice.headers)).json()
    [line] = cart["items"]
    assert line["warning"] == "No longer sold; remove it to check out"
    assert cart["subtotal"]["amount"] == 0


async def test_carts_are_private(
    client: httpx.AsyncClient, admin: User, alice: User, bob: User
) -> None:
    sku = new_sku()
    await create_product(client, admin, sku=sku)
    await add_to_cart(client, alice, sku, 1)
    assert (await client.get("/cart", headers=bob.headers)).json()["items"] == []
    assert (await client.get("/cart")).status_code == 401


async def test_bad_cart_requests_are_4xx(
    client: httpx.AsyncClient, admin: User, alice: User
) -> None:
    sku = new_sku()
    await create_product(client, admin, sku=sku)
    cases = [
        (f"/cart/items/{sku}", {"quantity": -1}, 422),
        (f"/cart/items/{sku}", {"quantity": 100}, 422),
        (f"/cart/items/{sku}", {"quantity": 1.0}, 422),
        (f"/cart/items/{sku}", {"quantity": 1, "price": 1}, 422),
        ("/cart/items/NO-SUCH-SKU", {"quantity": 1}, 404),
        ("/cart/items/items.$set", {"quantity": 1}, 422),
    ]
    for path, body, expected in cases:
        response = await client.put(path, headers=alice.headers, json=body)
        assert response.status_code == expected, (path, body, response.text)
    assert (await client.get("/cart", headers=alice.headers)).json()["items"] == []
