"""Write, then tell others: every change that other people see live goes through one
function here. Routes and socket handlers call it, the services do the write, and the flow
tells the room (one emit per change through `realtime.broadcast.Broadcaster`, delivered by
every instance). So a read receipt sent over REST or over the socket is the same write,
the same broadcast and the same answer."""

from __future__ import annotations

from typing import Any

from bson import ObjectId

from backend_shared.db import Database
from realtime_chat.models.messages import MessagePublic, ReadReceiptPublic
from realtime_chat.realtime.broadcast import Broadcaster
from realtime_chat.realtime.presence import Entry, Presence
from realtime_chat.services import messages, rooms
from realtime_chat.services.membership_cache import MembershipCache

# Messages


async def send_message(
    *,
    db: Database,
    broadcast: Broadcaster,
    room_id: ObjectId,
    sender_id: ObjectId,
    sender_name: str | None,
    body: str,
    skip_sid: str | None = None,
) -> dict[str, Any]:
    """Store a message whose body is already checked, and send it to the room (but not
    to `skip_sid`, the sending connection, which has it in its ack). Returns it as sent."""
    doc = await messages.create_message(
        db=db, room_id=room_id, sender_id=sender_id, sender_name=sender_name, body=body
    )
    message = MessagePublic.from_doc(doc).model_dump(mode="json")
    await broadcast.message_new(message, skip_sid=skip_sid)
    return message


async def edit_message(
    *,
    db: Database,
    broadcast: Broadcaster,
    room_id: ObjectId,
    message_id: str,
    user_id: ObjectId,
    body: str,
    max_chars: int,
) -> MessagePublic:
    message = await messages.get_room_message(db=db, room_id=room_id, message_id=message_id)
    edited = await messages.edit_message(
        db=db, message=message, user_id=user_id, body=body, max_chars=max_chars
    )
    public = MessagePublic.from_doc(edited)
    await broadcast.message_edited(public.model_dump(mode="json"))
    return public


async def delete_message(
    *,
    db: Database,
    broadcast: Broadcaster,
    room_id: ObjectId,
    message_id: str,
    user_id: ObjectId,
) -> MessagePublic:
    message = await messages.get_room_message(db=db, room_id=room_id, message_id=message_id)
    deleted = await messages.delete_message(db=db, message=message, user_id=user_id)
    public = MessagePublic.from_doc(deleted)
    await broadcast.message_deleted(public.model_dump(mode="json"))
    return public


async def mark_read(
    *, db: Database, broadcast: Broadcaster, membership: dict[str, Any], message_id: str
) -> ReadReceiptPublic:
    """Move my read marker in the room of `membership` up to `message_id`, tell the room
    (coalesced), and return the receipt: the same answer over REST and the socket."""
    message = await messages.get_room_message(
        db=db, room_id=membership["room_id"], message_id=message_id
    )
    last_read, unread = await messages.mark_read(db=db, membership=membership, message=message)
    receipt = ReadReceiptPublic(
        room_id=membership["room_id"],
        user_id=membership["user_id"],
        last_read_message_id=last_read,
        unread_count=unread,
    )
    await broadcast.read(str(receipt.room_id), str(receipt.user_id), str(last_read))
    return receipt


# Membership


async def leave_room(
    *,
    db: Database,
    cache: MembershipCache,
    broadcast: Broadcaster,
    presence: Presence,
    access: rooms.RoomAccess,
    user_id: ObjectId,
) -> None:
    await rooms.leave_room(db=db, cache=cache, access=access, user_id=user_id)
    await _take_out_of_room(broadcast, presence, str(access.room["_id"]), str(user_id))


async def remove_member(
    *,
    db: Database,
    cache: MembershipCache,
    broadcast: Broadcaster,
    presence: Presence,
    access: rooms.RoomAccess,
    user_id: ObjectId,
) -> None:
    await rooms.remove_member(db=db, cache=cache, access=access, user_id=user_id)
    await _take_out_of_room(broadcast, presence, str(access.room["_id"]), str(user_id))


async def _take_out_of_room(
    broadcast: Broadcaster, presence: Presence, room_id: str, user_id: str
) -> None:
    """Every live connection of `user_id`, on whichever instance holds it, leaves the
    room and is told so; the room sees them go offline."""
    for sid in await presence.connections(room_id, user_id):
        await broadcast.removed_from_room(sid, room_id)
        await went_offline(
            broadcast=broadcast, presence=presence, entry=Entry(room_id, user_id, sid)
        )


# Presence


async def went_online(
    *, broadcast: Broadcaster, presence: Presence, entry: Entry, display_name: str | None
) -> None:
    """Record a connection in a room; if it brings its user online there, tell the room
    (except that connection, which learns who is online from its `join` ack)."""
    if await presence.enter(entry):
        await broadcast.presence_changed(
            entry.room_id, entry.user_id, display_name, online=True, skip_sid=entry.sid
        )


async def went_offline(
    *,
    broadcast: Broadcaster,
    presence: Presence,
    entry: Entry,
    display_name: str | None = None,
) -> None:
    """Remove a connection from a room; if its user has no other there, tell the room."""
    if await presence.leave(entry):
        name = display_name if display_name is not None else await presence.name_of(entry.user_id)
        await broadcast.presence_changed(entry.room_id, entry.user_id, name, online=False)
