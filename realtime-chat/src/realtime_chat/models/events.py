"""Socket.IO event payloads, validated like REST bodies: unknown fields and wrong types are
refused (with an error ack), never stored."""

from __future__ import annotations

from backend_shared.ids import ObjectIdStr
from backend_shared.models import StrictModel


class RoomRef(StrictModel):
    """`join`, `leave` and `presence`: `{"room_id": ...}`."""

    room_id: ObjectIdStr


class SendMessage(StrictModel):
    room_id: ObjectIdStr
    # Any string here; its length is checked against the configured maximum.
    body: str


class Typing(StrictModel):
    room_id: ObjectIdStr
    typing: bool = True


class ReadUpTo(StrictModel):
    room_id: ObjectIdStr
    message_id: ObjectIdStr
