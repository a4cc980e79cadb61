"""Stock for admins: adjustments with a reason, never below what is reserved, the low-stock
page, and a ledger of every movement."""

from __future__ import annotations

import httpx

from backend_shared.testing.concurrency import release_together

from .utils import User, create_product, inventory_of, new_sku


async def adjust(
    client: httpx.AsyncClient, admin: User, sku: str, delta: int, reason: str = "counted"
) -> httpx.Response:
    return await client.post(
        f"/admin/inventory/{sku}/adjustments",
        headers=admin.headers,
        json={"delta": delta, "reason": reason},
    )


async def test_received_and_damaged_stock_changes_what_is_available(
    client: httpx.AsyncClient, admin: User
) -> None:
    sku = new_sku()
    product = await create_product(client, admin, sku=sku, stock=5)
    received = await adjust(client, admin, sku, 10, "received from supplier")
    assert received.status_code == 200
    assert received.json() == {
        "sku": sku,
        "product_id": product["id"],
        "on_hand": 15,
        "reserved": 0,
        "available": 15,
    }
    damaged = await adjust(client, admin, sku, -3, "damaged in storage")
    assert damaged.json()["available"] == 12
    variant = (await client.get(f"/products/{product['id']}")).json()["variants"][0]
    assert variant["available"] == 12


async def test_stock_cannot_go_below_zero(client: httpx.AsyncClient, admin: User) -> None:
    sku = new_sku()
    await create_product(client, admin, sku=sku, stock=2)
    response = await adjust(client, admin, sku, -3)
    assert response.status_code == 409
    assert (await inventory_of(client, admin, sku))["on_hand"] == 2


async def test_concurrent_removals_never_take_stock_below_zero(
    client: httpx.AsyncClient, admin: User
) -> None:
    sku = new_sku()
    await create_product(client, admin, sku=sku, stock=10)

    async def remove_one() -> int:
        return (await adjust(client, admin, sku, -1, "shrinkage")).status_code

    statuses = await release_together([remove_one] * 25)
    assert statuses.count(200) == 10
    assert statuses.count(409) == 15
    item = await inventory_of(client, admin, sku)
    assert (item["on_hand"], item["available"]) == (0, 0)


async def test_adjustments_are_validated(client: httpx.AsyncClient, admin: User) -> None:
    sku = new_sku()
    await create_product(client, admin, sku=sku)
    invalid = [
        {"delta": 0, "reason": "x"},
        {"delta": 1.5, "reason": "x"},
        {"delta": 1, "reason": ""},
        {"delta": 1},
        {"delta": 10**7, "reason": "x"},
    ]
    for body in invalid:
        response = await client.post(
            f"/admin/inventory/{sku}/adjustments", headers=admin.headers, json=body
        )
        assert response.status_code == 422, body
    assert (await adjust(client, admin, "NO-SUCH-SKU", 1)).status_code == 404
    assert (await adjust(client, admin, "lower$case", 1)).status_code == 422


async def test_adjustments_need_the_admin_role(
    client: httpx.AsyncClient, admin: User, alice: User
) -> None:
    sku = new_sku()
    await create_product(client, admin, sku=sku)
    assert (await adjust(client, alice, sku, 100)).status_code == 403


async def test_the_low_stock_page_lists_skus_at_or_below_the_threshold(
    client: httpx.AsyncClient, admin: User
) -> None:
    low, lower, plenty = new_sku("LOW"), new_sku("LOWER"), new_sku("PLENTY")
    await create_product(client, admin, sku=low, stock=3)
    await create_product(client, admin, sku=lower, stock=1)
    await create_product(client, admin, sku=plenty, stock=50)
    response = await client.get("/admin/inventory", headers=admin.headers, params={"low_stock": 3})
    page = response.json()
    assert [item["sku"] for item in page["items"]] == [lower, low]
    assert page["total"] == 2
    assert set(page["items"][0]) == {"sku", "product_id", "on_hand", "reserved", "available"}


async def test_every_movement_is_in_the_ledger_with_who_and_why(
    client: httpx.AsyncClient, admin: User
) -> None:
    sku = new_sku()
    await create_product(client, admin, sku=sku, stock=5)
    await adjust(client, admin, sku, 10, "received from supplier")
    await adjust(client, admin, sku, -2, "damaged")
    response = await client.get(f"/admin/inventory/{sku}/movements", headers=admin.headers)
    movements = response.json()["items"]
    assert [(m["kind"], m["on_hand_delta"], m["reason"]) for m in movements] == [
        ("adjustment", -2, "damaged"),
        ("adjustment", 10, "received from supplier"),
        ("initial", 5, "initial stock"),
    ]
    assert {m["actor_id"] for m in movements} == {admin.id}
    assert all(m["at"] for m in movements)
    audit = await client.get(
        "/admin/audit", headers=admin.headers, params={"action": "inventory.adjusted"}
    )
    assert [entry["details"]["delta"] for entry in audit.json()["items"]] == [-2, 10]
    missing = await client.get("/admin/inventory/NOPE/movements", headers=admin.headers)
    assert missing.status_code == 404
