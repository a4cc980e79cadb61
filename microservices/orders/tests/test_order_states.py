"""An order's states: catalog's answer confirms or rejects a pending order once; the
customer cancels a pending or confirmed one; nothing else moves."""

from __future__ import annotations

from typing import Any

import httpx

from backend_shared.events import Envelope
from orders.services.orders import on_stock_rejected, on_stock_reserved
from orders.services.store import ORDERS
from shop_contracts.events import (
    ReservedLine,
    ShortLine,
    StockRejectedV1,
    StockReservedV1,
    new_event,
)
from shop_platform.runtime import EventContext, ShopRuntime

from .conftest import FakeCatalog
from .test_cart_and_checkout import checkout, fill_cart


def context(runtime: ShopRuntime, event: Any) -> EventContext:
    envelope: Envelope = new_event(event, producer="catalog")
    return EventContext(envelope=envelope, runtime=runtime)


async def place(
    client: httpx.AsyncClient, catalog: FakeCatalog, headers: dict[str, str]
) -> dict[str, Any]:
    catalog.add("MUG")
    await fill_cart(client, headers, MUG=2)
    order: dict[str, Any] = (await checkout(client, headers)).json()
    return order


def reserved(order: dict[str, Any]) -> StockReservedV1:
    return StockReservedV1(order_id=order["id"], lines=[ReservedLine(sku="MUG", quantity=2)])


def rejected(order: dict[str, Any]) -> StockRejectedV1:
    return StockRejectedV1(
        order_id=order["id"], short=[ShortLine(sku="MUG", requested=2, available=1)]
    )


async def events_of(runtime: ShopRuntime, order: dict[str, Any]) -> list[str]:
    stored = await runtime.database[ORDERS].find_one({})
    assert stored is not None
    return [event["type"] for event in stored["outbox"]]


async def test_stock_reserved_confirms_once(
    shop_client: httpx.AsyncClient,
    catalog: FakeCatalog,
    alice: dict[str, str],
    runtime: ShopRuntime,
) -> None:
    order = await place(shop_client, catalog, alice)
    for _ in range(2):
        await on_stock_reserved(reserved(order), context(runtime, reserved(order)))

    seen = (await shop_client.get(f"/orders/{order['id']}", headers=alice)).json()
    assert seen["status"] == "confirmed"
    assert [entry["status"] for entry in seen["history"]] == ["pending", "confirmed"]
    assert await events_of(runtime, order) == ["order.placed", "order.confirmed"]


async def test_stock_rejected_rejects_with_the_short_lines(
    shop_client: httpx.AsyncClient,
    catalog: FakeCatalog,
    alice: dict[str, str],
    runtime: ShopRuntime,
) -> None:
    order = await place(shop_client, catalog, alice)
    await on_stock_rejected(rejected(order), context(runtime, rejected(order)))

    seen = (await shop_client.get(f"/orders/{order['id']}", headers=alice)).json()
    assert seen["status"] == "rejected"
    assert seen["short"] == [{"sku": "MUG", "requested": 2, "available": 1}]
    assert (
        await shop_client.post(f"/orders/{order['id']}/cancel", headers=alice)
    ).status_code == 409


async def test_a_confirmed_order_can_be_cancelled_once(
    shop_client: httpx.AsyncClient,
    catalog: FakeCatalog,
    alice: dict[str, str],
    runtime: ShopRuntime,
) -> None:
    order = await place(shop_client, catalog, alice)
    await on_stock_reserved(reserved(order), context(runtime, reserved(order)))

    cancelled = await shop_client.post(f"/orders/{order['id']}/cancel", headers=alice)
    assert cancelled.json()["status"] == "cancelled"
    assert (
        await shop_client.post(f"/orders/{order['id']}/cancel", headers=alice)
    ).status_code == 409
    assert await events_of(runtime, order) == ["order.placed", "order.confirmed", "order.cancelled"]


async def test_a_reservation_arriving_after_a_cancel_changes_nothing(
    shop_client: httpx.AsyncClient,
    catalog: FakeCatalog,
    alice: dict[str, str],
    runtime: ShopRuntime,
) -> None:
    order = await place(shop_client, catalog, alice)
    await shop_client.post(f"/orders/{order['id']}/cancel", headers=alice)
    await on_stock_reserved(reserved(order), context(runtime, reserved(order)))

    assert (await shop_client.get(f"/orders/{order['id']}", headers=alice)).json()[
        "status"
    ] == "cancelled"
    assert await events_of(runtime, order) == ["order.placed", "order.cancelled"]
