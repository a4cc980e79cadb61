"""Redis Streams, the small plain way, for events that must not be lost.

- `publish` appends an event's envelope to its stream (`XADD events:<type>`).
- `StreamConsumer` reads in a consumer group (`XREADGROUP`): every group sees every
  message, and within a group each message goes to one consumer.
- A message is acknowledged (`XACK`) only after its handler returned. A handler that
  raises, or a consumer that dies mid-message, leaves it pending; after `claim_idle_ms`
  any consumer of the group takes it over (`XAUTOCLAIM`) and it is delivered again.
- After `max_deliveries` failed deliveries the message moves to the group's dead-letter
  stream with its last error and delivery count, in one transaction with its `XACK`, and
  the other messages keep flowing. `list_dead_letters` and `replay_dead_letter` inspect
  and retry them.
- Consumers that stopped (idle an hour, nothing pending) are removed from the group now and
  then, so restarts do not pile up names.

Delivery is at least once: a handler can see a message again (it failed, its consumer
died, a producer published a copy), so handlers must be idempotent.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError, ResponseError

from backend_shared.clock import utcnow
from backend_shared.events import Envelope

logger = logging.getLogger("backend_shared.streams")

ENVELOPE_FIELD = "envelope"
MAX_ERROR_CHARS = 2000
# A consumer idle this long with nothing pending has stopped: it is removed from its group.
DEPARTED_AFTER_MS = 3_600_000
TIDY_EVERY_SECONDS = 600.0


def stream_for(event_type: str) -> str:
    """The stream an event type is published on: one stream per type."""
    return f"events:{event_type}"


def dead_letter_stream(group: str) -> str:
    return f"dead-letters:{group}"


def _errors_key(group: str) -> str:
    # The last error of each pending message, kept for its dead letter.
    return f"stream-errors:{group}"


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _decode_fields(fields: Mapping[Any, Any]) -> dict[str, str]:
    return {_text(key): _text(value) for key, value in fields.items()}


async def publish(redis: Redis, envelope: Envelope, *, maxlen: int | None = None) -> str:
    """Append `envelope` to its type's stream; returns the stream message id.

    Streams are not trimmed unless `maxlen` is given: trimming drops the oldest messages
    whether or not every group has read them."""
    fields: dict[Any, Any] = {
        ENVELOPE_FIELD: envelope.model_dump_json(),
        "type": envelope.type,
        "id": envelope.id,
    }
    message_id = await redis.xadd(
        stream_for(envelope.type), fields, maxlen=maxlen, approximate=maxlen is not None
    )
    return _text(message_id)


@dataclass(frozen=True, slots=True)
class StreamMessage:
    """One delivery of one stream message to this consumer."""

    stream: str
    id: str
    fields: dict[str, str]
    deliveries: int  # 1 on first delivery; each take-over adds one

    def envelope(self) -> Envelope:
        """The event this message carries; ValueError (a failed delivery) if malformed."""
        raw = self.fields.get(ENVELOPE_FIELD)
        if raw is None:
            raise ValueError(f"the message has no {ENVELOPE_FIELD!r} field")
        return Envelope.model_validate_json(raw)


Handler = Callable[[StreamMessage], Awaitable[None]]
# Called just before a message is dead-lettered, with its last error.
DeadLetterHook = Callable[[StreamMessage, str], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class DeadLetter:
    id: str  # the entry's id in the dead-letter stream
    stream: str
    message_id: str
    group: str
    consumer: str
    error: str
    deliveries: int
    dead_at: str
    fields: dict[str, str]  # the original message

    @classmethod
    def from_entry(cls, entry_id: Any, raw: Any) -> DeadLetter:
        fields = _decode_fields(raw)
        return cls(
            id=_text(entry_id),
            stream=fields["stream"],
            message_id=fields["message_id"],
            group=fields["group"],
            consumer=fields["consumer"],
            error=fields["error"],
            deliveries=int(fields["deliveries"]),
            dead_at=fields["dead_at"],
            fields=json.loads(fields["fields"]),
        )


class StreamConsumer:
    """One consumer in one group, reading several streams, one handler per stream.

    `run()` loops until cancelled; `poll()` is one pass (take over stale messages, then
    read new ones), which tests drive step by step."""

    def __init__(
        self,
        redis: Redis,
        *,
        group: str,
        consumer: str,
        handlers: Mapping[str, Handler],
        max_deliveries: int = 5,
        claim_idle_ms: int = 30_000,
        block_ms: int = 1_000,
        batch_size: int = 16,
        on_dead_letter: DeadLetterHook | None = None,
    ) -> None:
        if max_deliveries < 1:
            raise ValueError("max_deliveries must be at least 1")
        self.redis = redis
        self.group = group
        self.consumer = consumer
        self.handlers = dict(handlers)
        self.max_deliveries = max_deliveries
        self.claim_idle_ms = claim_idle_ms
        self.block_ms = block_ms
        self.batch_size = batch_size
        self.on_dead_letter = on_dead_letter
        # Looking for stale messages more often than they can become stale is wasted work.
        self._claim_every = min(claim_idle_ms / 2000, 5.0)
        self._last_claim = float("-inf")
        self._last_tidy = float("-inf")

    async def ensure_groups(self) -> None:
        """Create the group on each stream (and the stream), reading from its beginning,
        so events published before this service ever ran are not skipped."""
        for stream in self.handlers:
            try:
                await self.redis.xgroup_create(stream, self.group, id="0", mkstream=True)
            except ResponseError as exc:
                if "BUSYGROUP" not in str(exc):
                    raise

    async def run(self) -> None:
        """Consume until cancelled. A Redis outage is logged and retried, never fatal."""
        await self._until_ready()
        pause = 0.1
        while True:
            try:
                if time.monotonic() - self._last_tidy >= TIDY_EVERY_SECONDS:
                    self._last_tidy = time.monotonic()
                    await self.forget_departed_consumers(idle_ms=DEPARTED_AFTER_MS)
                await self.poll()
                pause = 0.1
            except (RedisError, OSError) as exc:
                logger.warning("stream consumer %s: %s; retrying", self.consumer, exc)
                await asyncio.sleep(pause)  # back off from a failing Redis
                pause = min(pause * 2, 5.0)

    async def _until_ready(self) -> None:
        pause = 0.1
        while True:
            try:
                await self.ensure_groups()
                return
            except (RedisError, OSError) as exc:
                logger.warning("stream consumer %s: Redis not ready (%s)", self.consumer, exc)
                await asyncio.sleep(pause)
                pause = min(pause * 2, 5.0)

    async def forget_departed_consumers(self, *, idle_ms: int) -> list[str]:
        """Remove from the group the consumers idle longer than `idle_ms` that hold no
        pending message: processes that stopped (each process has a name of its own, so
        every restart leaves one behind). One that still holds messages is kept until
        its messages have been taken over. Returns the names removed."""
        removed = []
        for stream in self.handlers:
            consumers: Any = await self.redis.xinfo_consumers(stream, self.group)
            for consumer in consumers:
                name = _text(consumer["name"])
                if name == self.consumer or consumer["pending"] or consumer["idle"] < idle_ms:
                    continue
                await self.redis.xgroup_delconsumer(stream, self.group, name)
                removed.append(name)
        return removed

    async def poll(self, *, block_ms: int | None = None) -> int:
        """Take over stale pending messages (at most every `claim_idle_ms / 2`), then read
        and handle new ones, waiting up to `block_ms` for some. Returns how many were
        handled (successfully or not)."""
        handled = 0
        if time.monotonic() - self._last_claim >= self._claim_every:
            self._last_claim = time.monotonic()
            handled += await self.claim_stale()
        response: Any = await self.redis.xreadgroup(
            self.group,
            self.consumer,
            dict.fromkeys(self.handlers, ">"),
            count=self.batch_size,
            block=self.block_ms if block_ms is None else block_ms,
        )
        for stream, entries in response or ():
            for message_id, fields in entries:
                message = StreamMessage(
                    stream=_text(stream),
                    id=_text(message_id),
                    fields=_decode_fields(fields),
                    deliveries=1,
                )
                await self._handle(message)
                handled += 1
        return handled

    async def claim_stale(self) -> int:
        """Take over every message of the group pending for longer than `claim_idle_ms`
        (its consumer died, or its handler failed) and handle it again."""
        handled = 0
        for stream in self.handlers:
            start: Any = "0-0"
            while True:
                next_start, claimed, *_ = await self.redis.xautoclaim(
                    stream,
                    self.group,
                    self.consumer,
                    min_idle_time=self.claim_idle_ms,
                    start_id=start,
                    count=self.batch_size,
                )
                counts = await self._delivery_counts(stream, [_text(mid) for mid, _ in claimed])
                for message_id, fields in claimed:
                    if fields is None:  # trimmed away while pending: nothing to handle
                        await self.redis.xack(stream, self.group, message_id)
                        continue
                    message = StreamMessage(
                        stream=stream,
                        id=_text(message_id),
                        fields=_decode_fields(fields),
                        deliveries=counts.get(_text(message_id), self.max_deliveries + 1),
                    )
                    await self._handle(message)
                    handled += 1
                if _text(next_start) == "0-0":
                    break
                start = next_start
        return handled

    async def _delivery_counts(self, stream: str, ids: list[str]) -> dict[str, int]:
        if not ids:
            return {}
        async with self.redis.pipeline(transaction=False) as pipe:
            for message_id in ids:
                pipe.xpending_range(stream, self.group, min=message_id, max=message_id, count=1)
            results = await pipe.execute()
        counts = {}
        for entries in results:
            for entry in entries:
                counts[_text(entry["message_id"])] = int(entry["times_delivered"])
        return counts

    async def _handle(self, message: StreamMessage) -> None:
        field = f"{message.stream}/{message.id}"
        if message.deliveries > self.max_deliveries:
            # Delivered this often and never acknowledged: it may be killing its consumers.
            last = await self.redis.hget(_errors_key(self.group), field)
            error = _text(last) if last else "delivered too often without being acknowledged"
            await self._dead_letter(message, error)
            return
        handler = self.handlers[message.stream]
        try:
            await handler(message)
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"[:MAX_ERROR_CHARS]
            logger.warning(
                "handler for %s failed (delivery %d of %d): %s",
                field,
                message.deliveries,
                self.max_deliveries,
                error,
            )
            if message.deliveries >= self.max_deliveries:
                await self._dead_letter(message, error)
            else:
                await self.redis.hset(_errors_key(self.group), field, error)
            return
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.xack(message.stream, self.group, message.id)
            pipe.hdel(_errors_key(self.group), field)
            await pipe.execute()

    async def _dead_letter(self, message: StreamMessage, error: str) -> None:
        if self.on_dead_letter is not None:
            await self.on_dead_letter(message, error)
        entry: dict[Any, Any] = {
            "stream": message.stream,
            "message_id": message.id,
            "group": self.group,
            "consumer": self.consumer,
            "error": error,
            "deliveries": str(message.deliveries),
            "dead_at": utcnow().isoformat(),
            "fields": json.dumps(message.fields),
        }
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.xadd(dead_letter_stream(self.group), entry)
            pipe.xack(message.stream, self.group, message.id)
            pipe.hdel(_errors_key(self.group), f"{message.stream}/{message.id}")
            await pipe.execute()
        logger.error(
            "dead-lettered %s/%s after %d deliveries: %s",
            message.stream,
            message.id,
            message.deliveries,
            error,
        )


async def list_dead_letters(redis: Redis, group: str, *, count: int = 100) -> list[DeadLetter]:
    """The oldest `count` dead letters of `group`."""
    entries: Any = await redis.xrange(dead_letter_stream(group), count=count)
    return [DeadLetter.from_entry(entry_id, fields) for entry_id, fields in entries]


async def replay_dead_letter(redis: Redis, group: str, dead_letter_id: str) -> str:
    """Publish a dead letter's message again on its stream and remove the dead letter, in
    one transaction; returns the new message id. Every group on that stream receives the
    copy (their handlers are idempotent: a group that had handled it drops it)."""
    entries: Any = await redis.xrange(
        dead_letter_stream(group), min=dead_letter_id, max=dead_letter_id
    )
    if not entries:
        raise KeyError(dead_letter_id)
    dead = DeadLetter.from_entry(*entries[0])
    fields: dict[Any, Any] = dict(dead.fields)
    async with redis.pipeline(transaction=True) as pipe:
        pipe.xadd(dead.stream, fields)
        pipe.xdel(dead_letter_stream(group), dead_letter_id)
        new_id, _ = await pipe.execute()
    return _text(new_id)
