"""Redis Streams against a real Valkey: what a consumer group promises and what it does not
(a failed or abandoned message comes back; one that keeps failing is set aside with its
error; the rest keep flowing)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from backend_shared.events import Envelope
from backend_shared.streams import (
    StreamConsumer,
    StreamMessage,
    list_dead_letters,
    publish,
    replay_dead_letter,
    stream_for,
)

STREAM = stream_for("order.placed")


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()


def event(number: int = 1) -> Envelope:
    return Envelope.new(
        type="order.placed", version=1, producer="orders", data={"order_id": f"o{number}"}
    )


class Recorder:
    """A handler that records what it saw and fails while `failures` is above zero."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.seen: list[StreamMessage] = []

    async def __call__(self, message: StreamMessage) -> None:
        self.seen.append(message)
        if self.failures:
            self.failures -= 1
            raise RuntimeError("the mail server said no")

    @property
    def order_ids(self) -> list[str]:
        return [message.envelope().data["order_id"] for message in self.seen]


def consumer(redis: Redis, handler: Recorder, **options: object) -> StreamConsumer:
    settings: dict[str, object] = {"group": "catalog", "consumer": "catalog-1", "block_ms": 10}
    settings.update(options)
    return StreamConsumer(redis, handlers={STREAM: handler}, **settings)  # type: ignore[arg-type]


async def pending(redis: Redis, group: str = "catalog") -> int:
    summary = await redis.xpending(STREAM, group)
    return int(summary["pending"])


async def test_a_handled_message_is_acknowledged_with_its_envelope(redis: Redis) -> None:
    handler = Recorder()
    reader = consumer(redis, handler)
    await reader.ensure_groups()
    sent = event()
    await publish(redis, sent)

    assert await reader.poll() == 1
    assert handler.seen[0].envelope() == sent
    assert handler.seen[0].deliveries == 1
    assert await pending(redis) == 0


async def test_events_published_before_the_group_existed_are_delivered(redis: Redis) -> None:
    await publish(redis, event(1))
    handler = Recorder()
    reader = consumer(redis, handler)
    await reader.ensure_groups()

    await reader.poll()
    assert handler.order_ids == ["o1"]


async def test_a_failed_message_stays_pending_and_is_delivered_again(redis: Redis) -> None:
    handler = Recorder(failures=1)
    reader = consumer(redis, handler, claim_idle_ms=0)
    await reader.ensure_groups()
    await publish(redis, event())

    await reader.poll()
    assert await pending(redis) == 1  # not acknowledged: the handler raised

    await reader.poll()
    assert [message.deliveries for message in handler.seen] == [1, 2]
    assert await pending(redis) == 0


async def test_a_message_a_dead_consumer_left_is_taken_over(redis: Redis) -> None:
    handler = Recorder()
    survivor = consumer(redis, handler, consumer="catalog-2", claim_idle_ms=0)
    await survivor.ensure_groups()
    await publish(redis, event())
    # catalog-1 reads the message and dies before acknowledging it.
    await redis.xreadgroup("catalog", "catalog-1", {STREAM: ">"}, count=1)

    await survivor.poll()
    assert handler.order_ids == ["o1"]
    assert handler.seen[0].deliveries == 2
    assert await pending(redis) == 0


async def test_a_message_another_consumer_is_still_working_on_is_not_taken(
    redis: Redis,
) -> None:
    handler = Recorder()
    other = consumer(redis, handler, consumer="catalog-2", claim_idle_ms=60_000)
    await other.ensure_groups()
    await publish(redis, event())
    await redis.xreadgroup("catalog", "catalog-1", {STREAM: ">"}, count=1)

    await other.poll()
    assert handler.seen == []
    assert await pending(redis) == 1


async def test_a_message_that_keeps_failing_is_dead_lettered_and_the_rest_flow(
    redis: Redis,
) -> None:
    class PoisonFails(Recorder):
        async def __call__(self, message: StreamMessage) -> None:
            self.seen.append(message)
            if message.envelope().data["order_id"] == "poison":
                raise ValueError("cannot handle this one")

    handler = PoisonFails()
    reader = consumer(redis, handler, claim_idle_ms=0, max_deliveries=3)
    await reader.ensure_groups()
    poison = Envelope.new(
        type="order.placed", version=1, producer="orders", data={"order_id": "poison"}
    )
    await publish(redis, poison)

    for number in (1, 2, 3):
        await reader.poll()
        await publish(redis, event(number))
    await reader.poll()

    assert handler.order_ids.count("poison") == 3
    assert [i for i in handler.order_ids if i != "poison"] == ["o1", "o2", "o3"]
    assert await pending(redis) == 0
    [dead] = await list_dead_letters(redis, "catalog")
    assert dead.deliveries == 3
    assert dead.error == "ValueError: cannot handle this one"
    assert dead.stream == STREAM
    assert Envelope.model_validate_json(dead.fields["envelope"]) == poison


async def test_a_message_that_never_gets_acknowledged_is_dead_lettered_unhandled(
    redis: Redis,
) -> None:
    """A message that crashes its consumer every time (no error is ever recorded) must not
    crash every consumer forever: past the limit it is set aside without running."""
    handler = Recorder()
    reader = consumer(redis, handler, consumer="catalog-9", claim_idle_ms=0, max_deliveries=2)
    await reader.ensure_groups()
    await publish(redis, event())
    for dead_consumer in ("catalog-1", "catalog-2"):  # read, then died each time
        await redis.xautoclaim(STREAM, "catalog", dead_consumer, min_idle_time=0)
        await redis.xreadgroup("catalog", dead_consumer, {STREAM: ">"}, count=1)

    await reader.poll()
    assert handler.seen == []
    [dead] = await list_dead_letters(redis, "catalog")
    assert dead.deliveries == 3
    assert "without being acknowledged" in dead.error


async def test_a_replayed_dead_letter_is_delivered_again(redis: Redis) -> None:
    handler = Recorder(failures=1)
    reader = consumer(redis, handler, max_deliveries=1)
    await reader.ensure_groups()
    await publish(redis, event())
    await reader.poll()
    [dead] = await list_dead_letters(redis, "catalog")

    await replay_dead_letter(redis, "catalog", dead.id)
    await reader.poll()

    assert handler.order_ids == ["o1", "o1"]
    assert await list_dead_letters(redis, "catalog") == []
    assert await pending(redis) == 0


async def test_replaying_an_unknown_dead_letter_is_an_error(redis: Redis) -> None:
    with pytest.raises(KeyError):
        await replay_dead_letter(redis, "catalog", "1-0")


async def test_a_malformed_message_fails_like_any_handler_error(redis: Redis) -> None:
    async def parse(message: StreamMessage) -> None:
        message.envelope()

    reader = StreamConsumer(
        redis, group="catalog", consumer="c", handlers={STREAM: parse}, max_deliveries=1
    )
    await reader.ensure_groups()
    await redis.xadd(STREAM, {"envelope": "{not json"})
    await redis.xadd(STREAM, {"something": "else"})

    await reader.poll(block_ms=10)
    errors = [dead.error for dead in await list_dead_letters(redis, "catalog")]
    assert errors[0].startswith("ValidationError")
    assert errors[1] == "ValueError: the message has no 'envelope' field"


async def test_consumers_of_one_group_share_the_work(redis: Redis) -> None:
    first, second = Recorder(), Recorder()
    readers = [
        consumer(redis, first, consumer="catalog-1"),
        consumer(redis, second, consumer="catalog-2"),
    ]
    await readers[0].ensure_groups()
    for number in range(20):
        await publish(redis, event(number))

    async def drain(reader: StreamConsumer) -> None:
        while await reader.poll(block_ms=10):
            pass

    await asyncio.gather(*(drain(reader) for reader in readers))
    assert sorted(first.order_ids + second.order_ids) == sorted(f"o{n}" for n in range(20))


async def test_every_group_sees_every_message(redis: Redis) -> None:
    catalog, notifier = Recorder(), Recorder()
    readers = [consumer(redis, catalog), consumer(redis, notifier, group="notifier")]
    for reader in readers:
        await reader.ensure_groups()
    await publish(redis, event())

    for reader in readers:
        await reader.poll()
    assert catalog.order_ids == notifier.order_ids == ["o1"]


async def test_stopped_consumers_leave_the_group_once_they_hold_nothing(redis: Redis) -> None:
    reader = consumer(redis, Recorder(), consumer="catalog-3")
    await reader.ensure_groups()
    await publish(redis, event())
    await redis.xreadgroup("catalog", "catalog-1", {STREAM: ">"}, count=1)  # then it stopped
    await redis.xgroup_createconsumer(STREAM, "catalog", "catalog-2")  # stopped, idle
    await reader.poll()  # nothing new for catalog-3, which is now in the group too

    assert await reader.forget_departed_consumers(idle_ms=0) == ["catalog-2"]
    names = [c["name"] for c in await redis.xinfo_consumers(STREAM, "catalog")]
    assert sorted(names) == [b"catalog-1", b"catalog-3"]  # catalog-1 still holds a message
