"""Orders and their states: compare-and-set transitions, stock released once or sold."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from backend_shared.clock import utcnow
from backend_shared.testing.concurrency import release_together
from ecommerce_api.services import orders as order_service

from .utils import User, create_product, inventory_of, new_sku, pay, place_order


def statuses(order: dict[str, Any]) -> list[str]:
    return [entry["status"] for entry in order["history"]]


async def test_paying_turns_the_reservation_into_sold_stock(
    client: httpx.AsyncClient, admin: User, alice: User
) -> None:
    sku = new_sku()
    await create_product(client, admin, sku=sku, stock=10)
    order = await place_order(client, alice, sku, 3)
    receipt = await pay(client, order)
    assert receipt["outcome"] == "paid"
    paid = (await client.get(f"/orders/{order['id']}", headers=alice.headers)).json()
    assert paid["status"] == "paid"
    assert paid["payment"]["status"] == "succeeded"
    assert statuses(paid) == ["pending_payment", "paid"]
    assert paid["history"][1]["by"] == "payment_provider"
    item = await inventory_of(client, admin, sku)
    assert (item["on_hand"], item["reserved"], item["available"]) == (7, 0, 7)


async def test_a_customer_cancels_an_unpaid_order_and_the_stock_comes_back(
    client: httpx.AsyncClient, admin: User, alice: User
) -> None:
    sku = new_sku()
    await create_product(client, admin, sku=sku, stock=5)
    order = await place_order(client, alice, sku, 2)
    response = await client.post(f"/orders/{order['id']}/cancel", headers=alice.headers)
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert statuses(response.json()) == ["pending_payment", "cancelled"]
    item = await inventory_of(client, admin, sku)
    assert (item["on_hand"], item["reserved"]) == (5, 0)
    again = await client.post(f"/orders/{order['id']}/cancel", headers=alice.headers)
    assert again.status_code == 409
    assert again.json()["detail"] == "An order that is cancelled cannot become cancelled"


async def test_a_paid_order_cannot_be_cancelled(
    client: httpx.AsyncClient, admin: User, alice: User
) -> None:
    sku = new_sku()
    await create_product(client, admin, sku=sku)
    order = await place_order(client, alice, sku)
    await pay(client, order)
    response = await client.post(f"/orders/{order['id']}/cancel", headers=alice.headers)
    assert response.status_code == 409
    assert (await client.get(f"/orders/{order['id']}", headers=alice.headers)).json()[
        "status"
    ] == "paid"


async def test_ten_cancels_at_once_release_the_stock_once(
    client: httpx.AsyncClient, admin: User, alice: User, bob: User
) -> None:
    sku = new_sku()
    await create_product(client, admin, sku=sku, stock=5)
    order = await place_order(client, alice, sku, 1)
    await place_order(client, bob, sku, 1)  # bob's reservation must survive alice's cancels

    async def cancel() -> int:
        response = await client.post(f"/orders/{order['id']}/cancel", headers=alice.headers)
        return response.status_code

    results = await release_together([cancel] * 10)
    assert sorted(results) == [200] + [409] * 9
    item = await inventory_of(client, admin, sku)
    assert (item["on_hand"], item["reserved"], item["available"]) == (5, 1, 4)


async def test_cancel_and_payment_racing_end_consistent(
    client: httpx.AsyncClient, admin: User, alice: User
) -> None:
    sku = new_sku()
    await create_product(client, admin, sku=sku, stock=5)
    order = await place_order(client, alice, sku, 2)

    async def cancel() -> Any:
        return await client.post(f"/orders/{order['id']}/cancel", headers=alice.headers)

    async def pay_now() -> Any:
        return await pay(client, order)

    cancelled, receipt = await release_together([cancel, pay_now])
    final = (await client.get(f"/orders/{order['id']}", headers=alice.headers)).json()
    item = await inventory_of(client, admin, sku)
    if final["status"] == "paid":
        assert cancelled.status_code == 409
        assert (item["on_hand"], item["reserved"]) == (3, 0)
    else:
        assert final["status"] == "cancelled"
        assert receipt["outcome"] == "late_payment_refunded"
        assert final["payment"]["status"] == "refunded"
        assert (item["on_hand"], item["reserved"]) == (5, 0)


async def test_another_customers_order_is_404(
    client: httpx.AsyncClient, admin: User, alice: User, bob: User
) -> None:
    sku = new_sku()
    await create_product(client, admin, sku=sku)
    order = await place_order(client, alice, sku)
    assert (await client.get(f"/orders/{order['id']}", headers=bob.headers)).status_code == 404
    cancel = await client.post(f"/orders/{order['id']}/cancel", headers=bob.headers)
    assert cancel.status_code == 404
    assert (await client.get("/orders/not-an-id", headers=alice.headers)).status_code == 404
    assert (await client.get(f"/orders/{order['id']}")).status_code == 401
    still = (await client.get(f"/orders/{order['id']}", headers=alice.headers)).json()
    assert still["status"] == "pending_payment"


async def test_my_orders_are_mine_newest_first(
    client: httpx.AsyncClient, admin: User, alice: User, bob: User
) -> None:
    sku = new_sku()
    await create_product(client, admin, sku=sku)
    first = await place_order(client, alice, sku)
    second = await place_order(client, alice, sku)
    await place_order(client, bob, sku)
    page = (await client.get("/orders", headers=alice.headers)).json()
    assert [order["id"] for order in page["items"]] == [second["id"], first["id"]]
    assert page["total"] == 2


async def test_an_admin_fulfils_then_delivers_a_paid_order(
    client: httpx.AsyncClient, admin: User, alice: User
) -> None:
    sku = new_sku()
    await create_product(client, admin, sku=sku)
    order = await place_order(client, alice, sku)
    early = await client.post(f"/admin/orders/{order['id']}/fulfil", headers=admin.headers)
    assert early.status_code == 409
    await pay(client, order)
    skip = await client.post(f"/admin/orders/{order['id']}/deliver", headers=admin.headers)
    assert skip.status_code == 409
    fulfilled = await client.post(f"/admin/orders/{order['id']}/fulfil", headers=admin.headers)
    assert fulfilled.json()["status"] == "fulfilled"
    delivered = await client.post(f"/admin/orders/{order['id']}/deliver", headers=admin.headers)
    assert delivered.status_code == 200
    assert statuses(delivered.json()) == ["pending_payment", "paid", "fulfilled", "delivered"]
    assert [entry["by"] for entry in delivered.json()["history"]] == [
        "customer",
        "payment_provider",
        "admin",
        "admin",
    ]
    audit = (await client.get("/admin/audit", headers=admin.headers)).json()["items"]
    assert [entry["action"] for entry in audit[:2]] == ["order.delivered", "order.fulfilled"]


async def test_customers_cannot_make_admin_transitions(
    client: httpx.AsyncClient, admin: User, alice: User
) -> None:
    sku = new_sku()
    await create_product(client, admin, sku=sku)
    order = await place_order(client, alice, sku)
    await pay(client, order)
    for action in ("fulfil", "deliver", "refund"):
        response = await client.post(f"/admin/orders/{order['id']}/{action}", headers=alice.headers)
        assert response.status_code == 403
    assert (await client.get("/admin/orders", headers=alice.headers)).status_code == 403


async def test_an_admin_refunds_a_paid_order_through_the_provider(
    client: httpx.AsyncClient, admin: User, alice: User
) -> None:
    sku = new_sku()
    await create_product(client, admin, sku=sku, stock=4)
    order = await place_order(client, alice, sku)
    not_yet = await client.post(f"/admin/orders/{order['id']}/refund", headers=admin.headers)
    assert not_yet.status_code == 409
    await pay(client, order)
    response = await client.post(f"/admin/orders/{order['id']}/refund", headers=admin.headers)
    assert response.status_code == 200
    refunded = response.json()
    assert refunded["status"] == "refunded"
    assert refunded["payment"]["status"] == "refunded"
    assert statuses(refunded) == ["pending_payment", "paid", "refunded"]
    twice = await client.post(f"/admin/orders/{order['id']}/refund", headers=admin.headers)
    assert twice.status_code == 409
    audit = await client.get(
        "/admin/audit", headers=admin.headers, params={"action": "order.refunded"}
    )
    assert audit.json()["items"][0]["details"] == {"amount": 1299, "currency": "EUR"}


async def test_admins_list_orders_by_status_and_customer(
    client: httpx.AsyncClient, admin: User, alice: User, bob: User
) -> None:
    sku = new_sku()
    await create_product(client, admin, sku=sku)
    paid = await place_order(client, alice, sku)
    await pay(client, paid)
    await place_order(client, alice, sku)
    bobs = await place_order(client, bob, sku)

    async def ids(**params: str) -> list[str]:
        response = await client.get("/admin/orders", headers=admin.headers, params=params)
        assert response.status_code == 200, response.text
        return [order["id"] for order in response.json()["items"]]

    assert await ids(status="paid") == [paid["id"]]
    assert await ids(user_id=bob.id) == [bobs["id"]]
    assert len(await ids()) == 3
    assert await ids(status="paid", user_id=bob.id) == []
    bad = await client.get("/admin/orders", headers=admin.headers, params={"status": "lost"})
    assert bad.status_code == 422
    one = await client.get(f"/admin/orders/{bobs['id']}", headers=admin.headers)
    assert one.json()["id"] == bobs["id"]


async def test_unpaid_orders_expire_once_even_with_two_instances_sweeping(
    client: httpx.AsyncClient, app: Any, admin: User, alice: User, bob: User
) -> None:
    sku = new_sku()
    await create_product(client, admin, sku=sku, stock=5)
    late = await place_order(client, alice, sku, 2)
    await place_order(client, bob, sku, 1)
    db, provider = app.state.db, app.state.payment_provider
    # Bob's order is younger: move alice's back in time so only hers is due.
    await db["orders"].update_one(
        {"payment.intent_id": late["payment"]["intent_id"]},
        {"$set": {"expires_at": utcnow() - timedelta(seconds=1)}},
    )

    async def sweep() -> int:
        return await order_service.expire_due(db=db, provider=provider)

    assert sorted(await release_together([sweep, sweep])) == [0, 1]

    expired = (await client.get(f"/orders/{late['id']}", headers=alice.headers)).json()
    assert expired["status"] == "expired"
    assert expired["history"][-1]["by"] == "system"
    item = await inventory_of(client, admin, sku)
    assert (item["on_hand"], item["reserved"], item["available"]) == (5, 1, 4)
    # Paying it now is too late: the money goes back, the stock is not sold.
    receipt = await pay(client, late)
    assert receipt["outcome"] == "late_payment_refunded"
    after = (await client.get(f"/orders/{late['id']}", headers=alice.headers)).json()
    assert (after["status"], after["payment"]["status"]) == ("expired", "refunded")
    assert (await inventory_of(client, admin, sku))["on_hand"] == 5


async def test_a_release_interrupted_by_a_crash_is_finished_once_by_the_sweeps(
    client: httpx.AsyncClient, app: Any, admin: User, alice: User, bob: User
) -> None:
    sku = new_sku()
    await create_product(client, admin, sku=sku, stock=5)
    order = await place_order(client, alice, sku, 2)
    await place_order(client, bob, sku, 1)
    db = app.state.db
    # What a process dying between the status change and the release leaves behind:
    await db["orders"].update_one(
        {"payment.intent_id": order["payment"]["intent_id"]}, {"$set": {"status": "cancelled"}}
    )
    assert (await inventory_of(client, admin, sku))["reserved"] == 3

    async def sweep() -> int:
        return await order_service.repair_stock(db=db)

    assert sorted(await release_together([sweep, sweep, sweep])) == [0, 0, 1]
    item = await inventory_of(client, admin, sku)
    assert (item["on_hand"], item["reserved"], item["available"]) == (5, 1, 4)


async def test_a_sale_interrupted_by_a_crash_is_finished_by_the_sweep(
    client: httpx.AsyncClient, app: Any, admin: User, alice: User
) -> None:
    sku = new_sku()
    await create_product(client, admin, sku=sku, stock=5)
    order = await place_order(client, alice, sku, 2)
    db = app.state.db
    await db["orders"].update_one(
        {"payment.intent_id": order["payment"]["intent_id"]}, {"$set": {"status": "paid"}}
    )
    assert await order_service.repair_stock(db=db) == 1
    assert await order_service.repair_stock(db=db) == 0
    item = await inventory_of(client, admin, sku)
    assert (item["on_hand"], item["reserved"]) == (3, 0)
