"""How the live side tells a room: one `emit` per change, which with the Redis manager
every instance delivers to its own connections. What to tell, and when, is decided in
`realtime_chat/flows.py`.

Read receipts are coalesced per user and room (see `coalescer.py`): a client moving its
marker a hundred times a second costs the room one receipt per interval, the latest."""

from __future__ import annotations

from typing import Any

import socketio

from realtime_chat.realtime.coalescer import Coalescer, State


class Broadcaster:
    def __init__(self, sio: socketio.AsyncServer, *, read_receipt_interval: float) -> None:
        self.sio = sio
        # (user, room) -> that user's read marker, at most one broadcast per interval.
        self._reads: Coalescer[tuple[str, str]] = Coalescer(
            read_receipt_interval, self._send_read, name="read receipt"
        )

    async def aclose(self) -> None:
        """Drop held read receipts (the instance is shutting down)."""
        await self._reads.aclose()

    async def message_new(self, message: dict[str, Any], *, skip_sid: str | None) -> None:
        await self.sio.emit("message:new", message, to=message["room_id"], skip_sid=skip_sid)

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

    async def removed_from_room(self, sid: str, room_id: str) -> None:
        """Take the connection `sid` (on whichever instance) out of the room, and tell it."""
        await self.sio.leave_room(sid, room_id)
        await self.sio.emit("room:removed", {"room_id": room_id}, to=sid)
