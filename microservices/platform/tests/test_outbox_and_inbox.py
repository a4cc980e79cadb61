"""The outbox relay and the inbox, on the embedded engine and a real Valkey."""

from __future__ import annotations

from collections.abc import AsyncIterator
from functools import partial

import pytest
from bson import ObjectId
from redis.asyncio import Redis

from backend_shared.db import Database, MongoHandle, connect_mongo
from backend_shared.events import Envelope
from backend_shared.testing.concurrency import release_together
from shop_platform.inbox import Delivery, Inbox
from shop_platform.outbox import DocumentOutbox, OutboxRelay, PendingEvent, stored, with_events


@pytest.fixture
async def db() -> AsyncIterator[Database]:
    handle: MongoHandle = await connect_mongo(None, f"test_{ObjectId()}")
    yield handle.db
    await handle.close()


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url, decode_responses=True)
    yield client
    await client.aclose()


def event(order: str = "665f1c2ab1e4c2a1d3f0e9b7") -> Envelope:
    return Envelope.new(type="order.placed", version=1, producer="orders", data={"order_id": order})


async def stream_ids(redis: Redis) -> list[str]:
    return [
        Envelope.model_validate_json(f["envelope"]).id
        for _, f in await redis.xrange("events:order.placed")
    ]


async def test_the_relay_publishes_what_a_write_stored_and_empties_the_outbox(
    db: Database, redis: Redis
) -> None:
    placed = event()
    await db["orders"].insert_one({"_id": 1, "status": "pending", "outbox": [stored(placed)]})
    relay = OutboxRelay(redis, [DocumentOutbox(db, "orders")])

    assert await relay.publish_pending() == 1
    assert await stream_ids(redis) == [placed.id]
    assert (await db["orders"].find_one({"_id": 1}))["outbox"] == []
    assert await relay.publish_pending() == 0


async def test_an_event_pushed_with_a_state_change_is_published_after_it(
    db: Database, redis: Redis
) -> None:
    await db["orders"].insert_one({"_id": 1, "status": "pending", "outbox": []})
    confirmed = Envelope.new(type="order.confirmed", version=1, producer="orders", data={})
    await db["orders"].update_one(
        {"_id": 1, "status": "pending"}, {"$set": {"status": "confirmed"}, **with_events(confirmed)}
    )
    await OutboxRelay(redis, [DocumentOutbox(db, "orders")]).publish_pending()
    [(_, fields)] = await redis.xrange("events:order.confirmed")
    assert fields["id"] == confirmed.id


async def test_a_relay_that_dies_before_marking_publishes_the_same_event_again(
    db: Database, redis: Redis
) -> None:
    placed = event()
    await db["orders"].insert_one({"_id": 1, "outbox": [stored(placed)]})

    async def die(_: PendingEvent) -> None:
        raise SystemExit("killed between publishing and marking sent")

    with pytest.raises(SystemExit):
        await OutboxRelay(
            redis, [DocumentOutbox(db, "orders")], after_publish=die
        ).publish_pending()
    await OutboxRelay(redis, [DocumentOutbox(db, "orders")]).publish_pending()

    assert await stream_ids(redis) == [placed.id, placed.id]  # a copy, with the same id
    assert (await db["orders"].find_one({"_id": 1}))["outbox"] == []


async def test_concurrent_copies_of_one_event_are_handled_by_one_delivery(db: Database) -> None:
    inbox = Inbox(db, "catalog")
    await inbox.ensure_indexes()
    copies = [Delivery("e1", "order.placed", "events:order.placed", f"{n}-0") for n in range(10)]

    claims = await release_together([partial(inbox.claim, copy) for copy in copies])

    assert claims.count(True) == 1


async def test_a_redelivery_of_the_claiming_message_runs_again_until_done(db: Database) -> None:
    inbox = Inbox(db, "catalog")
    await inbox.ensure_indexes()
    first = Delivery("e1", "order.placed", "events:order.placed", "1-0")
    copy = Delivery("e1", "order.placed", "events:order.placed", "2-0")

    assert await inbox.claim(first)
    assert await inbox.claim(first)  # its handler failed or its consumer died: run again
    assert not await inbox.claim(copy)  # a copy while the first is still in hand
    await inbox.done(first)
    assert not await inbox.claim(first)
    assert await inbox.handled("e1")


async def test_a_released_claim_lets_a_replayed_message_run(db: Database) -> None:
    inbox = Inbox(db, "catalog")
    await inbox.ensure_indexes()
    assert await inbox.claim(Delivery("e1", "order.placed", "events:order.placed", "1-0"))
    await inbox.release("e1")  # dead-lettered
    assert await inbox.claim(Delivery("e1", "order.placed", "events:order.placed", "9-0"))


async def test_inboxes_of_different_consumers_are_separate(db: Database) -> None:
    catalog, notifier = Inbox(db, "catalog"), Inbox(db, "notifier")
    await catalog.ensure_indexes()
    delivery = Delivery("e1", "order.placed", "events:order.placed", "1-0")
    await catalog.claim(delivery)
    await catalog.done(delivery)
    assert await notifier.claim(delivery)
