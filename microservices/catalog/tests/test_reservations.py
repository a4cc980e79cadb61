"""Holding stock for orders: every line or none, once however often an event arrives,
and never more than there is, however many orders arrive at once."""

from __future__ import annotations

from functools import partial
from typing import Any

import httpx
from bson import ObjectId

from backend_shared.events import Envelope
from backend_shared.testing.concurrency import release_together
from catalog.services.reservations import hold_line, on_order_cancelled, on_order_placed
from catalog.services.store import RESERVATIONS
from shop_contracts.events import (
    OrderCancelledV1,
    OrderLine,
    OrderPlacedV1,
    ReservedLine,
    new_event,
)
from shop_platform.runtime import EventContext, ShopRuntime

from .conftest import create_product

USER = "665f1c2ab1e4c2a1d3f0e9b7"


def placed(*lines: tuple[dict[str, Any], int]) -> OrderPlacedV1:
    return OrderPlacedV1(
        order_id=str(ObjectId()),
        user_id=USER,
        lines=[
            OrderLine(
                sku=p["sku"], product_id=p["id"], name=p["name"], quantity=q, unit_price=p["price"]
            )
            for p, q in lines
        ],
        total={"amount": 0, "currency": "EUR"},
    )


def cancelled(order: OrderPlacedV1) -> OrderCancelledV1:
    return OrderCancelledV1(
        order_id=order.order_id,
        user_id=USER,
        lines=[ReservedLine(sku=line.sku, quantity=line.quantity) for line in order.lines],
    )


def context(runtime: ShopRuntime, event: Any) -> EventContext:
    envelope: Envelope = new_event(event, producer="orders")
    return EventContext(envelope=envelope, runtime=runtime)


async def available(client: httpx.AsyncClient, product: dict[str, Any]) -> int:
    count: int = (await client.get(f"/products/{product['id']}")).json()["available"]
    return count


async def outcome(runtime: ShopRuntime, order: OrderPlacedV1) -> tuple[str, list[str]]:
    doc = await runtime.database[RESERVATIONS].find_one({"_id": order.order_id})
    assert doc is not None
    return doc["status"], [event["type"] for event in doc.get("outbox", [])]


async def test_an_order_whose_lines_are_all_in_stock_is_reserved(
    client: httpx.AsyncClient, admin: dict[str, str], runtime: ShopRuntime
) -> None:
    mug, plate = (
        await create_product(client, admin, "MUG", 3),
        await create_product(client, admin, "PLATE", 3),
    )
    order = placed((mug, 2), (plate, 1))

    await on_order_placed(order, context(runtime, order))

    assert (await available(client, mug), await available(client, plate)) == (1, 2)
    assert await outcome(runtime, order) == ("reserved", ["stock.reserved"])


async def test_one_short_line_releases_the_others_and_rejects_the_order(
    client: httpx.AsyncClient, admin: dict[str, str], runtime: ShopRuntime
) -> None:
    mug, plate = (
        await create_product(client, admin, "MUG", 3),
        await create_product(client, admin, "PLATE", 1),
    )
    order = placed((mug, 2), (plate, 2))

    await on_order_placed(order, context(runtime, order))

    assert (await available(client, mug), await available(client, plate)) == (3, 1)
    doc = await runtime.database[RESERVATIONS].find_one({"_id": order.order_id})
    assert doc is not None
    assert doc["outbox"][0]["data"]["short"] == [{"sku": "PLATE", "requested": 2, "available": 1}]


async def test_a_handler_run_again_after_dying_mid_way_holds_each_line_once(
    client: httpx.AsyncClient, admin: dict[str, str], runtime: ShopRuntime
) -> None:
    mug, plate = (
        await create_product(client, admin, "MUG", 3),
        await create_product(client, admin, "PLATE", 3),
    )
    order = placed((mug, 2), (plate, 1))
    # The first run held the mug, then its process died.
    await runtime.database[RESERVATIONS].insert_one({"_id": order.order_id, "status": "reserving"})
    assert (
        await hold_line(
            db=runtime.database, order_id=order.order_id, line=ReservedLine(sku="MUG", quantity=2)
        )
        is None
    )

    await on_order_placed(order, context(runtime, order))
    await on_order_placed(order, context(runtime, order))  # and a copy of the event

    assert (await available(client, mug), await available(client, plate)) == (1, 2)
    assert await outcome(runtime, order) == ("reserved", ["stock.reserved"])


async def test_concurrent_orders_never_hold_more_than_there_is(
    client: httpx.AsyncClient, admin: dict[str, str], runtime: ShopRuntime
) -> None:
    mug = await create_product(client, admin, "MUG", 3)
    orders = [placed((mug, 1)) for _ in range(10)]

    await release_together(
        [partial(on_order_placed, order, context(runtime, order)) for order in orders]
    )

    statuses = [(await outcome(runtime, order))[0] for order in orders]
    assert sorted(statuses) == ["rejected"] * 7 + ["reserved"] * 3
    assert await available(client, mug) == 0


async def test_cancelling_a_reserved_order_releases_its_stock_once(
    client: httpx.AsyncClient, admin: dict[str, str], runtime: ShopRuntime
) -> None:
    mug = await create_product(client, admin, "MUG", 3)
    order = placed((mug, 2))
    await on_order_placed(order, context(runtime, order))

    for _ in range(2):  # the cancellation, and a copy of it
        await on_order_cancelled(cancelled(order), context(runtime, cancelled(order)))

    assert await available(client, mug) == 3


async def test_a_cancellation_that_overtakes_its_order_leaves_nothing_held(
    client: httpx.AsyncClient, admin: dict[str, str], runtime: ShopRuntime
) -> None:
    mug = await create_product(client, admin, "MUG", 3)
    order = placed((mug, 2))

    await on_order_cancelled(cancelled(order), context(runtime, cancelled(order)))
    await on_order_placed(order, context(runtime, order))

    assert await available(client, mug) == 3
    assert await outcome(runtime, order) == ("cancelled", [])


async def test_a_cancellation_racing_its_placement_leaves_nothing_held(
    client: httpx.AsyncClient, admin: dict[str, str], runtime: ShopRuntime
) -> None:
    products = [await create_product(client, admin, f"SKU{n}", 5) for n in range(5)]
    orders = [placed(*((p, 1) for p in products)) for _ in range(5)]

    placements = [partial(on_order_placed, o, context(runtime, o)) for o in orders]
    cancels = [
        partial(on_order_cancelled, cancelled(o), context(runtime, cancelled(o))) for o in orders
    ]
    await release_together(placements + cancels)

    assert [await available(client, p) for p in products] == [5] * 5
