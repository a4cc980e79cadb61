"""The inbox: which events a consumer has handled, keyed by (consumer, event id) under a
unique index, so that a copy of an event (a relay that published twice, a replayed dead
letter) is handled once.

Before its handler runs, a delivery claims the event by inserting its record; the unique
index lets exactly one claim win, even for copies delivered at the same moment. Then:
- the record says `done`: a copy of a handled event; acknowledge it and do nothing;
- the record was claimed by this same stream message: the earlier delivery failed or its
  consumer died mid-way; run the handler again (handlers are written so a partial run can
  be finished by the next one);
- it was claimed by another message: a copy while the first is still being worked on;
  acknowledge the copy, the first delivery finishes the job (or is retried until it does).
"""

from __future__ import annotations

from dataclasses import dataclass

from pymongo import ASCENDING
from pymongo.errors import DuplicateKeyError

from backend_shared.clock import utcnow
from backend_shared.db import Database

INBOX = "inbox"
PROCESSING = "processing"
DONE = "done"


@dataclass(frozen=True, slots=True)
class Delivery:
    """One event as one stream message brought it."""

    event_id: str
    event_type: str
    stream: str
    message_id: str


class Inbox:
    def __init__(self, db: Database, consumer: str) -> None:
        self.collection = db[INBOX]
        self.consumer = consumer

    async def ensure_indexes(self) -> None:
        await self.collection.create_index(
            [("consumer", ASCENDING), ("event_id", ASCENDING)], unique=True
        )

    async def claim(self, delivery: Delivery) -> bool:
        """True when this delivery should run the handler; False for a copy to skip."""
        try:
            await self.collection.insert_one(
                {
                    "consumer": self.consumer,
                    "event_id": delivery.event_id,
                    "type": delivery.event_type,
                    "stream": delivery.stream,
                    "message_id": delivery.message_id,
                    "state": PROCESSING,
                    "received_at": utcnow(),
                }
            )
        except DuplicateKeyError:
            record = await self.collection.find_one(
                {"consumer": self.consumer, "event_id": delivery.event_id}
            )
            if record is None:  # released in between (dead-lettered): claim again
                return await self.claim(delivery)
            same_message = (record["stream"], record["message_id"]) == (
                delivery.stream,
                delivery.message_id,
            )
            return record["state"] != DONE and same_message
        return True

    async def done(self, delivery: Delivery) -> None:
        await self.collection.update_one(
            {"consumer": self.consumer, "event_id": delivery.event_id},
            {"$set": {"state": DONE, "done_at": utcnow()}},
        )

    async def release(self, event_id: str) -> None:
        """Forget an unfinished claim (its message was dead-lettered), so a replay runs."""
        await self.collection.delete_one(
            {"consumer": self.consumer, "event_id": event_id, "state": PROCESSING}
        )

    async def handled(self, event_id: str) -> bool:
        record = await self.collection.find_one(
            {"consumer": self.consumer, "event_id": event_id, "state": DONE}
        )
        return record is not None
