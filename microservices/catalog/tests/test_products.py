"""Products: anyone reads, only an admin token writes, stock never goes below zero."""

from __future__ import annotations

import httpx

from shop_platform.testing import IdentityKeys

from .conftest import create_product


async def test_an_admin_creates_a_product_anyone_can_read(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    mug = await create_product(client, admin, "MUG", stock=3)
    assert mug["available"] == 3
    assert mug["price"] == {"amount": 1250, "currency": "EUR"}

    listed = await client.get("/products", params={"sku": "MUG"})
    assert [p["id"] for p in listed.json()["items"]] == [mug["id"]]
    assert (await client.get(f"/products/{mug['id']}")).json() == mug


async def test_a_customer_cannot_write_and_a_stranger_must_sign_in(
    client: httpx.AsyncClient, keys: IdentityKeys
) -> None:
    body = {"sku": "MUG", "name": "Mug", "price": {"amount": 1, "currency": "EUR"}, "stock": 1}
    assert (await client.post("/products", json=body, headers=keys.headers())).status_code == 403
    assert (await client.post("/products", json=body)).status_code == 401


async def test_a_token_for_another_service_is_refused(
    client: httpx.AsyncClient, keys: IdentityKeys
) -> None:
    headers = keys.headers(roles=("admin",), audiences=["orders"])
    assert (await client.get("/admin/inventory", headers=headers)).status_code == 401


async def test_a_sku_is_unique_and_prices_are_in_the_store_currency(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    await create_product(client, admin, "MUG", stock=1)
    again = {"sku": "MUG", "name": "Mug", "price": {"amount": 1, "currency": "EUR"}, "stock": 1}
    assert (await client.post("/products", json=again, headers=admin)).status_code == 409
    dollars = {**again, "sku": "CUP", "price": {"amount": 1, "currency": "USD"}}
    response = await client.post("/products", json=dollars, headers=admin)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


async def test_a_price_change_is_seen_by_the_next_read(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    mug = await create_product(client, admin, "MUG", stock=1)
    changed = await client.patch(
        f"/products/{mug['id']}", json={"price": {"amount": 990, "currency": "EUR"}}, headers=admin
    )
    assert changed.json()["price"]["amount"] == 990
    assert (await client.get(f"/products/{mug['id']}")).json()["price"]["amount"] == 990
    assert (
        await client.patch(f"/products/{mug['id']}", json={"name": None}, headers=admin)
    ).status_code == 422


async def test_an_unknown_or_malformed_product_id_is_a_404(client: httpx.AsyncClient) -> None:
    assert (await client.get("/products/665f1c2ab1e4c2a1d3f0e9b7")).status_code == 404
    assert (await client.get("/products/not-an-id")).status_code == 404


async def test_adjustments_add_and_remove_stock_but_never_below_zero(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    await create_product(client, admin, "MUG", stock=2)
    added = await client.post(
        "/admin/inventory/MUG/adjustments", json={"delta": 3, "reason": "delivery"}, headers=admin
    )
    assert added.json() == {
        "sku": "MUG",
        "product_id": added.json()["product_id"],
        "available": 5,
        "held": 0,
    }
    too_many = await client.post(
        "/admin/inventory/MUG/adjustments", json={"delta": -6, "reason": "count"}, headers=admin
    )
    assert too_many.status_code == 409
    unknown = await client.post(
        "/admin/inventory/CUP/adjustments", json={"delta": 1, "reason": "x"}, headers=admin
    )
    assert unknown.status_code == 404
    inventory = await client.get("/admin/inventory", params={"low_stock": 5}, headers=admin)
    assert [item["available"] for item in inventory.json()["items"]] == [5]
