"""Rooms and who is in them. A private room is invisible to non-members: every lookup of
one answers 404 to them, exactly as for a room that does not exist."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING
from pymongo.errors import DuplicateKeyError

import backend_shared.accounts.service as accounts
from backend_shared.clock import utcnow
from backend_shared.db import Database
from backend_shared.errors import Conflict, Forbidden, NotFound
from backend_shared.ids import parse_object_id
from backend_shared.pagination import PageParams
from realtime_chat.models.rooms import MemberRole, RoomCreate, RoomKind
from realtime_chat.services import messages
from realtime_chat.services.membership_cache import MembershipCache

ROOMS = "rooms"
MEMBERSHIPS = "memberships"


async def ensure_indexes(db: Database) -> None:
    await db[ROOMS].create_index([("private", ASCENDING), ("_id", DESCENDING)])
    # One direct-message room per pair of users, whoever asks first.
    await db[ROOMS].create_index([("dm_key", ASCENDING)], unique=True, sparse=True)
    await db[MEMBERSHIPS].create_index(
        [("room_id", ASCENDING), ("user_id", ASCENDING)], unique=True
    )
    await db[MEMBERSHIPS].create_index([("user_id", ASCENDING)])


@dataclass(frozen=True, slots=True)
class RoomAccess:
    """A room the caller may see, and their membership of it (None: not a member)."""

    room: dict[str, Any]
    membership: dict[str, Any] | None

    @property
    def is_owner(self) -> bool:
        return self.membership is not None and self.membership["role"] == MemberRole.OWNER


def room_not_found() -> NotFound:
    return NotFound("Room not found")


def member_not_found() -> NotFound:
    return NotFound("Member not found")


async def get_membership(
    *, db: Database, room_id: ObjectId, user_id: ObjectId
) -> dict[str, Any] | None:
    return await db[MEMBERSHIPS].find_one({"room_id": room_id, "user_id": user_id})


async def require_membership(
    *, db: Database, room_id: ObjectId, user_id: ObjectId
) -> dict[str, Any]:
    """My membership of the room; a room I am not in is 404, as if it did not exist."""
    membership = await get_membership(db=db, room_id=room_id, user_id=user_id)
    if membership is None:
        raise room_not_found()
    return membership


async def get_visible_room(*, db: Database, user_id: ObjectId, room_id: str) -> RoomAccess:
    """The room if it is public or `user_id` is a member; otherwise 404."""
    object_id = parse_object_id(room_id)
    room = await db[ROOMS].find_one({"_id": object_id}) if object_id is not None else None
    if room is None:
        raise room_not_found()
    membership = await get_membership(db=db, room_id=room["_id"], user_id=user_id)
    if room["private"] and membership is None:
        raise room_not_found()
    return RoomAccess(room=room, membership=membership)


def _membership_doc(room_id: ObjectId, user_id: ObjectId, role: MemberRole) -> dict[str, Any]:
    # `last_read_id` is absent until the first read receipt: every message is unread.
    return {"room_id": room_id, "user_id": user_id, "role": role.value, "joined_at": utcnow()}


async def create_room(
    *, db: Database, cache: MembershipCache, owner_id: ObjectId, data: RoomCreate
) -> RoomAccess:
    room: dict[str, Any] = {
        "kind": RoomKind.GROUP.value,
        "name": data.name,
        "description": data.description,
        "private": data.private,
        "owner_id": owner_id,
        "created_at": utcnow(),
    }
    room["_id"] = (await db[ROOMS].insert_one(room)).inserted_id
    membership = _membership_doc(room["_id"], owner_id, MemberRole.OWNER)
    await db[MEMBERSHIPS].insert_one(membership)
    await cache.set_members(room["_id"], [owner_id])
    return RoomAccess(room=room, membership=membership)


async def list_rooms(
    *, db: Database, user_id: ObjectId, page: PageParams
) -> tuple[list[RoomAccess], dict[ObjectId, int], int]:
    """Public rooms and the rooms I belong to, newest first, with my unread counts."""
    mine = {doc["room_id"]: doc async for doc in db[MEMBERSHIPS].find({"user_id": user_id})}
    query = {"$or": [{"private": False}, {"_id": {"$in": list(mine)}}]}
    cursor = db[ROOMS].find(query).sort("_id", DESCENDING).skip(page.offset).limit(page.limit)
    rooms = await cursor.to_list(page.limit)
    total = await db[ROOMS].count_documents(query)
    items = [RoomAccess(room=room, membership=mine.get(room["_id"])) for room in rooms]
    unread = await messages.unread_counts(
        db=db, user_id=user_id, memberships=[i.membership for i in items if i.membership]
    )
    return items, unread, total


async def join_room(
    *, db: Database, cache: MembershipCache, access: RoomAccess, user_id: ObjectId
) -> RoomAccess:
    """Join a public room; joining again changes nothing."""
    room = access.room
    if access.membership is not None:
        return access
    if room["kind"] != RoomKind.GROUP or room["private"]:
        raise Forbidden("Only public rooms can be joined; a private room's owner invites you")
    membership = _membership_doc(room["_id"], user_id, MemberRole.MEMBER)
    # Start at the newest message: joining a busy room should not mean 10,000 unread.
    newest = await messages.newest_message_id(db=db, room_id=room["_id"])
    if newest is not None:
        membership["last_read_id"] = newest
    try:
        await db[MEMBERSHIPS].insert_one(membership)
    except DuplicateKeyError:  # a concurrent join won the race; same outcome
        membership = await get_membership(db=db, room_id=room["_id"], user_id=user_id) or membership
    await cache.add(room["_id"], user_id)
    return RoomAccess(room=room, membership=membership)


async def leave_room(
    *, db: Database, cache: MembershipCache, access: RoomAccess, user_id: ObjectId
) -> None:
    room = access.room
    if access.membership is None:
        return
    if room["kind"] == RoomKind.DIRECT:
        raise Conflict("A direct-message room cannot be left")
    if access.is_owner:
        raise Conflict("The owner cannot leave their own room")
    await _remove_membership(db=db, cache=cache, room_id=room["_id"], user_id=user_id)


async def _remove_membership(
    *, db: Database, cache: MembershipCache, room_id: ObjectId, user_id: ObjectId
) -> bool:
    result = await db[MEMBERSHIPS].delete_one({"room_id": room_id, "user_id": user_id})
    await cache.remove(room_id, user_id)
    return bool(result.deleted_count)


def _require_owner_of_group(access: RoomAccess) -> None:
    if access.room["kind"] == RoomKind.DIRECT:
        raise Conflict("A direct-message room always has exactly its two members")
    if not access.is_owner:
        raise Forbidden("Only the room's owner can change its members")


async def invite_member(
    *, db: Database, cache: MembershipCache, access: RoomAccess, user_id: ObjectId
) -> dict[str, Any]:
    """Add `user_id` to the room (the caller must own it); inviting twice changes nothing."""
    _require_owner_of_group(access)
    room_id = access.room["_id"]
    if await accounts.get_user(db=db, user_id=user_id) is None:
        raise NotFound("User not found")
    membership = _membership_doc(room_id, user_id, MemberRole.MEMBER)
    try:
        await db[MEMBERSHIPS].insert_one(membership)
    except DuplicateKeyError:
        membership = await get_membership(db=db, room_id=room_id, user_id=user_id) or membership
    await cache.add(room_id, user_id)
    return membership


async def remove_member(
    *, db: Database, cache: MembershipCache, access: RoomAccess, user_id: ObjectId
) -> None:
    _require_owner_of_group(access)
    if user_id == access.room["owner_id"]:
        raise Conflict("The owner cannot be removed from their own room")
    if not await _remove_membership(
        db=db, cache=cache, room_id=access.room["_id"], user_id=user_id
    ):
        raise member_not_found()


async def list_members(*, db: Database, room_id: ObjectId) -> list[dict[str, Any]]:
    """Members in joining order, each with the user's display name (one batched lookup)."""
    memberships = (
        await db[MEMBERSHIPS].find({"room_id": room_id}).sort("joined_at", ASCENDING).to_list(None)
    )
    users = (
        await db[accounts.USERS]
        .find({"_id": {"$in": [m["user_id"] for m in memberships]}}, {"display_name": 1})
        .to_list(None)
    )
    names = {user["_id"]: user.get("display_name") for user in users}
    return [{**m, "display_name": names.get(m["user_id"])} for m in memberships]


async def display_name(*, db: Database, user_id: ObjectId) -> str | None:
    user = await accounts.get_user(db=db, user_id=user_id)
    return user.get("display_name") if user else None


async def member_ids(*, db: Database, room_id: ObjectId) -> list[ObjectId]:
    return [m["user_id"] async for m in db[MEMBERSHIPS].find({"room_id": room_id}, {"user_id": 1})]


def _dm_key(first: ObjectId, second: ObjectId) -> str:
    low, high = sorted((str(first), str(second)))
    return f"{low}:{high}"


async def get_or_create_direct_room(
    *, db: Database, cache: MembershipCache, user_id: ObjectId, other_id: ObjectId
) -> RoomAccess:
    """The one direct-message room between two users, created on first use."""
    if other_id == user_id:
        raise Conflict("A direct-message room needs another user")
    key = _dm_key(user_id, other_id)
    room = await db[ROOMS].find_one({"dm_key": key})
    if room is None:
        me = await accounts.get_user(db=db, user_id=user_id)
        other = await accounts.get_user(db=db, user_id=other_id)
        if other is None:
            raise NotFound("User not found")
        names = [_name(user) for user in (me, other)]
        room = {
            "kind": RoomKind.DIRECT.value,
            "name": " & ".join(names),
            "description": "",
            "private": True,
            "owner_id": None,
            "dm_key": key,
            "created_at": utcnow(),
        }
        try:
            room["_id"] = (await db[ROOMS].insert_one(room)).inserted_id
        except DuplicateKeyError:  # the other user asked at the same moment
            room = await db[ROOMS].find_one({"dm_key": key})
            if room is None:  # pragma: no cover - only if it was deleted in between
                raise room_not_found() from None
        else:
            for member in (user_id, other_id):
                await db[MEMBERSHIPS].insert_one(
                    _membership_doc(room["_id"], member, MemberRole.MEMBER)
                )
            await cache.set_members(room["_id"], [user_id, other_id])
    membership = await get_membership(db=db, room_id=room["_id"], user_id=user_id)
    return RoomAccess(room=room, membership=membership)


def _name(user: dict[str, Any] | None) -> str:
    if user is None:
        return "someone"
    return str(user.get("display_name") or user["email"].split("@")[0])
