"""notifier's collections and indexes: its own copy of each user's address (kept from
`user.registered`: notifier never asks identity), and every notification it sent."""

from __future__ import annotations

from pymongo import ASCENDING, DESCENDING

from backend_shared.db import Database

RECIPIENTS = "recipients"  # _id = user id
NOTIFICATIONS = "notifications"  # _id = the id of the event that caused it


async def ensure_indexes(db: Database) -> None:
    await db[NOTIFICATIONS].create_index(
        [("user_id", ASCENDING), ("created_at", DESCENDING), ("_id", DESCENDING)]
    )
