"""The transactional outbox without transactions: an event is stored in the same
single-document write as the state change it announces (the document's `outbox` array),
so the change and the promise to announce it succeed or fail together. A relay publishes
each stored event to its stream and only then removes it from the document.

A relay that dies between publishing and removing publishes the event again on restart,
with the same envelope id: consumers drop the copy (see `inbox`). Nothing is lost, and a
duplicate costs one skipped message."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

from backend_shared.db import Database
from backend_shared.events import Envelope
from backend_shared.streams import publish

logger = logging.getLogger("shop_platform.outbox")

OUTBOX_FIELD = "outbox"
BATCH = 100


def with_events(*envelopes: Envelope) -> dict[str, Any]:
    """The `$push` that stores `envelopes` in a document's outbox, to merge into the update
    that makes the change they announce."""
    return {"$push": outbox_push(*envelopes)}


def outbox_push(*envelopes: Envelope) -> dict[str, Any]:
    """The outbox's part of a `$push`, for an update that pushes other fields too."""
    return {OUTBOX_FIELD: {"$each": [stored(envelope) for envelope in envelopes]}}


def stored(envelope: Envelope) -> dict[str, Any]:
    """An envelope as the outbox keeps it (a plain document; times stay BSON dates)."""
    return envelope.model_dump()


@dataclass(frozen=True, slots=True)
class PendingEvent:
    source: str
    document_id: Any
    envelope: Envelope


class OutboxSource(Protocol):
    name: str

    async def pending(self, limit: int) -> list[PendingEvent]: ...

    async def mark_sent(self, event: PendingEvent) -> None: ...


class DocumentOutbox:
    """Events waiting in the `outbox` array of the documents of one collection."""

    def __init__(self, db: Database, collection: str) -> None:
        self.name = collection
        self.collection = db[collection]

    async def pending(self, limit: int) -> list[PendingEvent]:
        events: list[PendingEvent] = []
        cursor = self.collection.find(
            {f"{OUTBOX_FIELD}.0": {"$exists": True}}, {OUTBOX_FIELD: 1}
        ).limit(limit)
        async for doc in cursor:
            for raw in doc[OUTBOX_FIELD]:
                envelope = Envelope.model_validate(raw)
                events.append(PendingEvent(self.name, doc["_id"], envelope))
        return events

    async def mark_sent(self, event: PendingEvent) -> None:
        await self.collection.update_one(
            {"_id": event.document_id}, {"$pull": {OUTBOX_FIELD: {"id": event.envelope.id}}}
        )


# Called between publishing and marking sent: the test checkpoint that kills the relay
# at the worst moment hooks in here.
AfterPublish = Callable[[PendingEvent], Awaitable[None]]


async def _nothing(_: PendingEvent) -> None:
    return None


class OutboxRelay:
    """Publishes what the sources hold, oldest document first; woken by `wake()` after a
    write, and every `poll_seconds` regardless (for what a dead process left)."""

    def __init__(
        self,
        redis: Redis,
        sources: Sequence[OutboxSource],
        *,
        poll_seconds: float = 1.0,
        after_publish: AfterPublish = _nothing,
    ) -> None:
        self.redis = redis
        self.sources = list(sources)
        self.poll_seconds = poll_seconds
        self.after_publish = after_publish
        self._wake = asyncio.Event()

    def wake(self) -> None:
        self._wake.set()

    async def publish_pending(self) -> int:
        """Publish and mark every pending event once; returns how many."""
        published = 0
        for source in self.sources:
            for event in await source.pending(BATCH):
                await publish(self.redis, event.envelope)
                await self.after_publish(event)
                await source.mark_sent(event)
                published += 1
        return published

    async def run(self) -> None:
        while True:
            self._wake.clear()
            try:
                await self.publish_pending()
            except (RedisError, OSError) as exc:
                logger.warning("outbox relay: %s; retrying", exc)
            except Exception:
                logger.exception("outbox relay failed; retrying")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.poll_seconds)
