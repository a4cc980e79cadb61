"""Messages: stored once when sent, read back newest first by cursor, edited or deleted
by their sender (a delete leaves a tombstone), and read receipts that drive unread counts.

Message ids are ObjectIds, which grow with time, so `_id` is both the order and the cursor:
"older than this id" still names the same messages however many arrive meanwhile, where an
offset would shift by one with every new message."""

from __future__ import annotations

from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, ReturnDocument

from backend_shared.clock import utcnow
from backend_shared.db import Database
from backend_shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from backend_shared.ids import parse_object_id

MESSAGES = "messages"
MEMBERSHIPS = "memberships"


async def ensure_indexes(db: Database) -> None:
    await db[MESSAGES].create_index([("room_id", ASCENDING), ("_id", DESCENDING)])


def check_body(body: object, *, max_chars: int) -> str:
    """The body if it is 1 to `max_chars` characters and not only white space."""
    if not isinstance(body, str) or not body.strip() or len(body) > max_chars:
        raise Unprocessable(f"A message is 1 to {max_chars} characters of text")
    return body


async def create_message(
    *, db: Database, room_id: ObjectId, sender_id: ObjectId, sender_name: str | None, body: str
) -> dict[str, Any]:
    # The sender's name is copied in, so history needs no lookup per message.
    doc: dict[str, Any] = {
        "room_id": room_id,
        "sender_id": sender_id,
        "sender_name": sender_name,
        "body": body,
        "created_at": utcnow(),
    }
    doc["_id"] = (await db[MESSAGES].insert_one(doc)).inserted_id
    return doc


async def history(
    *, db: Database, room_id: ObjectId, before: ObjectId | None, limit: int
) -> tuple[list[dict[str, Any]], ObjectId | None]:
    """Up to `limit` messages older than `before` (or the newest), newest first, and the
    cursor for the next page (None when there is none)."""
    query: dict[str, Any] = {"room_id": room_id}
    if before is not None:
        query["_id"] = {"$lt": before}
    # One extra tells whether another page exists without a count.
    items = (
        await db[MESSAGES].find(query).sort("_id", DESCENDING).limit(limit + 1).to_list(limit + 1)
    )
    if len(items) > limit:
        return items[:limit], items[limit - 1]["_id"]
    return items, None


async def newest_message_id(*, db: Database, room_id: ObjectId) -> ObjectId | None:
    newest = (
        await db[MESSAGES]
        .find({"room_id": room_id}, {"_id": 1})
        .sort("_id", DESCENDING)
        .limit(1)
        .to_list(1)
    )
    return newest[0]["_id"] if newest else None


async def get_room_message(*, db: Database, room_id: ObjectId, message_id: str) -> dict[str, Any]:
    object_id = parse_object_id(message_id)
    message = (
        await db[MESSAGES].find_one({"_id": object_id, "room_id": room_id})
        if object_id is not None
        else None
    )
    if message is None:
        raise NotFound("Message not found")
    return message


def _require_sender(message: dict[str, Any], user_id: ObjectId) -> None:
    if message["sender_id"] != user_id:
        raise Forbidden("Only the sender can change a message")


async def edit_message(
    *, db: Database, message: dict[str, Any], user_id: ObjectId, body: str, max_chars: int
) -> dict[str, Any]:
    _require_sender(message, user_id)
    body = check_body(body, max_chars=max_chars)
    updated = await db[MESSAGES].find_one_and_update(
        {"_id": message["_id"], "deleted_at": None},
        {"$set": {"body": body, "edited_at": utcnow()}},
        return_document=ReturnDocument.AFTER,
    )
    if updated is None:
        raise Conflict("A deleted message cannot be edited")
    return updated


async def delete_message(
    *, db: Database, message: dict[str, Any], user_id: ObjectId
) -> dict[str, Any]:
    """Blank the message and mark it deleted; it keeps its place (and id) in the history."""
    _require_sender(message, user_id)
    if message.get("deleted_at") is not None:
        return message
    updated = await db[MESSAGES].find_one_and_update(
        {"_id": message["_id"]},
        {"$set": {"body": "", "deleted_at": utcnow()}},
        return_document=ReturnDocument.AFTER,
    )
    return updated or message


def _unread_query(membership: dict[str, Any]) -> dict[str, Any]:
    query: dict[str, Any] = {
        "room_id": membership["room_id"],
        "sender_id": {"$ne": membership["user_id"]},
        "deleted_at": None,
    }
    if "last_read_id" in membership:
        query["_id"] = {"$gt": membership["last_read_id"]}
    return query


async def unread_counts(
    *, db: Database, user_id: ObjectId, memberships: list[dict[str, Any]]
) -> dict[ObjectId, int]:
    """Unread messages per room for these memberships, in one aggregation."""
    if not memberships:
        return {}
    pipeline: list[dict[str, Any]] = [
        {"$match": {"$or": [_unread_query(m) for m in memberships]}},
        {"$group": {"_id": "$room_id", "count": {"$sum": 1}}},
    ]
    cursor = await db[MESSAGES].aggregate(pipeline)
    counts = {doc["_id"]: int(doc["count"]) async for doc in cursor}
    return {m["room_id"]: counts.get(m["room_id"], 0) for m in memberships}


async def mark_read(
    *, db: Database, membership: dict[str, Any], message: dict[str, Any]
) -> tuple[ObjectId, int]:
    """Move the read marker up to `message` (never back) and return it with the unread
    count that is left."""
    updated = await db[MEMBERSHIPS].find_one_and_update(
        {"_id": membership["_id"]},
        {"$max": {"last_read_id": message["_id"]}},
        return_document=ReturnDocument.AFTER,
    )
    if updated is None:
        raise NotFound("Room not found")
    unread = await db[MESSAGES].count_documents(_unread_query(updated))
    return updated["last_read_id"], unread
