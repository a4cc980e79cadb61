"""Server-pushed events that more than one path sends: REST edits, deletes and read
receipts, presence changes, and taking a removed member's connections out of a room.

Each is one `emit` to the room; with the Redis manager the other instances deliver it too.
Read receipts are coalesced per user and room (see `coalescer.py`): a client moving its
marker a hundred times a second costs the room one receipt per interval, the latest."""

from __future__ import annotations

from typing import Any

import socketio

from realtime_chat.realtime.coalescer import Coalescer, State
from realtime_chat.realtime.presence import Entry, Presence


class Broadcaster:
    def __init__(self, sio: socketio.AsyncServer, *, read_receipt_interval: float) -> None:
        self.sio = sio
        self.presence: Presence | None = None
        # (user, room) -> that user's read marker, at most one broadcast per interval.
        self._reads: Coalescer[tuple[str, str]] = Coalescer(
            read_receipt_interval, self._send_read, name="read receipt"
        )

    async def aclose(self) -> None:
        """Drop held read receipts (the instance is shutting down)."""
        await self._reads.aclose()

    async def message_edited(self, message: dict[str, Any]) -> None:
        await self.sio.emit("message:edited", message, to=message["room_id"])

    async def message_deleted(self, message: dict[str, Any]) -> None:
        await self.sio.emit("message:deleted", message, to=message["room_id"])

    async def read(self, room_id: str, user_id: str, message_id: str) -> None:
        receipt = {"room_id": room_id, "user_id": user_id, "message_id": message_id}
        await self._reads.offer((user_id, room_id), receipt)

    async def _send_read(self, key: tuple[str, str], receipt: State) -> None:
        await self.sio.emit("read", receipt, to=key[1])

    async def presence_changed(
        self,
        room_id: str,
        user_id: str,
        display_name: str | None,
        *,
        online: bool,
        skip_sid: str | None = None,
    ) -> None:
        event = {
            "room_id": room_id,
            "user": {"id": user_id, "display_name": display_name},
            "online": online,
        }
        await self.sio.emit("presence", event, to=room_id, skip_sid=skip_sid)

    async def member_removed(self, room_id: str, user_id: str) -> None:
        """Take every live connection of `user_id` out of the room, on whichever instance
        holds it, tell them, and announce them offline there."""
        if self.presence is None:
            return
        for sid in await self.presence.connections(room_id, user_id):
            await self.sio.leave_room(sid, room_id)
            await self.sio.emit("room:removed", {"room_id": room_id}, to=sid)
            if await self.presence.leave(Entry(room_id=room_id, user_id=user_id, sid=sid)):
                name = await self.presence.name_of(user_id)
                await self.presence_changed(room_id, user_id, name, online=False)
