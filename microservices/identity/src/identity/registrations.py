"""`user.registered`, announced for every account without a write of our own at sign-up.

The shared accounts insert the user document; that insert is the state change, and the
document itself is the outbox entry: an account whose `registered_event_sent` is unset
has an announcement pending. The relay publishes it with an id derived from the user id
(the same id every time, so a relay that dies before marking it sent publishes a copy
that consumers recognise), then marks it sent. Nothing extra has to succeed at sign-up
for the event to be owed."""

from __future__ import annotations

import uuid

from backend_shared.db import Database
from backend_shared.events import Envelope
from shop_contracts.events import UserRegisteredV1
from shop_platform.outbox import PendingEvent

USERS = "users"
SENT_FIELD = "registered_event_sent"
EVENT_NAMESPACE = uuid.UUID("7d1f8a64-2f49-4d56-9a0e-3c2b8f5e1a90")


def registered_event_id(user_id: str) -> str:
    return uuid.uuid5(EVENT_NAMESPACE, f"user.registered:{user_id}").hex


class RegisteredUsers:
    """An outbox source: accounts whose `user.registered` is not published yet."""

    name = USERS

    def __init__(self, db: Database) -> None:
        self.collection = db[USERS]

    async def pending(self, limit: int) -> list[PendingEvent]:
        cursor = self.collection.find(
            {SENT_FIELD: {"$exists": False}},
            {"email": 1, "display_name": 1, "created_at": 1},
        ).limit(limit)
        events = []
        async for user in cursor:
            user_id = str(user["_id"])
            data = UserRegisteredV1(
                user_id=user_id, email=user["email"], display_name=user.get("display_name")
            )
            envelope = Envelope(
                id=registered_event_id(user_id),
                type=data.event_type,
                version=data.event_version,
                occurred_at=user["created_at"],
                producer="identity",
                data=data.model_dump(mode="json"),
            )
            events.append(PendingEvent(self.name, user["_id"], envelope))
        return events

    async def mark_sent(self, event: PendingEvent) -> None:
        await self.collection.update_one({"_id": event.document_id}, {"$set": {SENT_FIELD: True}})
