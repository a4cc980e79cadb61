"""The Socket.IO server: who may connect, and what each event does.

One Socket.IO room per chat room, named by the room's id. Sending a message costs one
insert and one `emit` to that room, whatever the number of recipients: python-socketio
encodes the packet once and hands the same bytes to every connection. With `REDIS_URL`
set, `AsyncRedisManager` publishes each emit so the other instances deliver it to their
own connections (see docs/learning/scaling-out-with-a-message-bus.md).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import socketio
from bson import ObjectId

from backend_shared.accounts.dependencies import get_current_account
from backend_shared.auth.tokens import Principal, TokenService
from backend_shared.db import Database
from backend_shared.errors import Unauthorized
from realtime_chat import flows
from realtime_chat.config import Settings
from realtime_chat.models.events import ReadUpTo, RoomRef, SendMessage, Typing
from realtime_chat.realtime.acks import Ack, EventError, acknowledged
from realtime_chat.realtime.broadcast import Broadcaster
from realtime_chat.realtime.coalescer import Coalescer, State
from realtime_chat.realtime.fanout import FanoutManager, FanoutServer, RedisFanoutManager
from realtime_chat.realtime.guards import FloodControl, JoinLimit, PendingEvents
from realtime_chat.realtime.presence import Entry, Presence
from realtime_chat.realtime.sessions import LiveSessions
from realtime_chat.services import messages, rooms
from realtime_chat.services.membership_cache import MembershipCache

logger = logging.getLogger("realtime_chat.socket")


@dataclass(frozen=True, slots=True)
class ChatUser:
    """Who is behind a connection, checked once at connect."""

    id: ObjectId
    id_str: str
    display_name: str | None


@dataclass(slots=True)
class Backends:
    """What the handlers use, opened by the app's lifespan and attached by `bind`."""

    db: Database
    tokens: TokenService
    flood: FloodControl
    presence: Presence
    members: MembershipCache


def build_socketio_server(settings: Settings) -> socketio.AsyncServer:
    # Both managers deliver a room emit as one frame written to each recipient (fanout.py).
    manager = (
        RedisFanoutManager(settings.redis_url, channel=f"{settings.service_name}:socketio")
        if settings.redis_url
        else FanoutManager()
    )
    return FanoutServer(
        async_mode="asgi",
        client_manager=manager,
        # None: only pages served from this origin (and non-browser clients) may connect.
        cors_allowed_origins=settings.cors_origins or None,
        ping_interval=settings.socketio_ping_interval_seconds,
        ping_timeout=settings.socketio_ping_timeout_seconds,
        max_http_buffer_size=settings.socketio_max_packet_bytes,
        logger=False,
        engineio_logger=False,
    )


class ChatSocketServer:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.sio = build_socketio_server(settings)
        self.broadcast = Broadcaster(
            self.sio, read_receipt_interval=settings.read_receipt_throttle_seconds
        )
        self._backends: Backends | None = None
        self._users: dict[str, ChatUser] = {}  # sid -> user, for this instance's connections
        self.sessions = LiveSessions(self.sio)
        # (sid, room) -> that connection's typing state, at most one broadcast per interval.
        self._typing: Coalescer[tuple[str, str]] = Coalescer(
            settings.typing_throttle_seconds, self._send_typing, name="typing"
        )
        self._joins = JoinLimit(
            limit=settings.join_max_events, window_seconds=settings.join_window_seconds
        )
        pending = PendingEvents(settings.socket_max_pending_events)
        self.sio.on("connect", self.on_connect)
        self.sio.on("disconnect", self.on_disconnect)
        for event, handler in (
            ("join", self.on_join),
            ("leave", self.on_leave),
            ("message:send", self.on_send),
            ("typing", self.on_typing),
            ("presence", self.on_presence),
            ("read", self.on_read),
        ):
            self.sio.on(event, acknowledged(event, self.sessions.guard(pending.guard(handler))))

    def bind(self, backends: Backends) -> None:
        self._backends = backends

    async def stop_coalescing(self) -> None:
        """Drop held typing states and read receipts, and stop the token expiry timers
        (the instance is shutting down)."""
        await self._typing.aclose()
        await self.broadcast.aclose()
        await self.sessions.aclose()

    @property
    def backends(self) -> Backends:
        if self._backends is None:
            raise RuntimeError("the chat's Socket.IO server is used before the app started")
        return self._backends

    # Connections

    async def on_connect(self, sid: str, environ: dict[str, Any], auth: Any) -> None:
        token = auth.get("token") if isinstance(auth, dict) else None
        if not isinstance(token, str) or not token:
            raise socketio.exceptions.ConnectionRefusedError(
                'Send your access token in the auth payload: {"token": "<access_token>"}'
            )
        try:
            principal = await self.backends.tokens.verify(token)
            credentials = self.sessions.opening(sid, principal)
            # Checked again if the session ended while this was checking it: the
            # announcement came before the connection could be closed.
            while True:
                credentials.stale = False
                account = await self.check_session(principal)
                chat_user = ChatUser(
                    id=account["_id"],
                    id_str=str(account["_id"]),
                    display_name=account.get("display_name"),
                )
                await self.backends.presence.remember_name(chat_user.id_str, chat_user.display_name)
                if not credentials.stale:
                    break
        except Unauthorized as exc:
            self.sessions.forget(sid)
            raise socketio.exceptions.ConnectionRefusedError(exc.detail) from None
        self._users[sid] = chat_user
        self.sessions.opened(sid)

    async def check_session(self, principal: Principal) -> dict[str, Any]:
        """The account `principal` speaks for, if its session is still alive."""
        return await get_current_account(principal=principal, db=self.backends.db)

    async def on_disconnect(self, sid: str, reason: Any = None) -> None:
        self.sessions.forget(sid)
        user = self._users.pop(sid, None)
        if user is None:
            return
        for room_id in self.joined_rooms(sid):
            await self._typing.close((sid, room_id))
            await self._went_offline(Entry(room_id=room_id, user_id=user.id_str, sid=sid), user)

    def joined_rooms(self, sid: str) -> list[str]:
        return [room for room in self.sio.rooms(sid) if room != sid]

    def local_entries(self) -> list[Entry]:
        """Every (room, connection) this instance holds, from Socket.IO's own room table:
        a connection removed from a room by another instance drops out of it too."""
        entries = []
        for room, participants in self.sio.manager.rooms.get("/", {}).items():
            for sid in participants:
                user = self._users.get(sid)
                if room is not None and room != sid and user is not None:
                    entries.append(Entry(room_id=room, user_id=user.id_str, sid=sid))
        return entries

    def _user(self, sid: str) -> ChatUser:
        user = self._users.get(sid)
        if user is None:  # a handler running after its connection closed
            raise EventError("not_connected", "This connection is closed")
        return user

    def _require_joined(self, sid: str, room_id: str) -> None:
        if room_id not in self.sio.rooms(sid):
            raise EventError("not_joined", "Join the room first (the `join` event)")

    # Events

    async def on_join(self, sid: str, payload: Any) -> Ack:
        room_id = RoomRef.model_validate(payload).room_id
        user = self._user(sid)
        self._joins.consume(sid)
        backends = self.backends
        object_id = ObjectId(room_id)

        async def load_members() -> list[ObjectId]:
            return await rooms.member_ids(db=backends.db, room_id=object_id)

        if not await backends.members.is_member(object_id, user.id, load=load_members):
            # Only the refusal looks at the room, to say which of two things went wrong.
            access = await rooms.get_visible_room(db=backends.db, user_id=user.id, room_id=room_id)
            if access.membership is None:
                raise EventError("not_a_member", f"Join the room first: POST /rooms/{room_id}/join")
        await self.sio.enter_room(sid, room_id)
        await flows.went_online(
            broadcast=self.broadcast,
            presence=backends.presence,
            entry=Entry(room_id=room_id, user_id=user.id_str, sid=sid),
            display_name=user.display_name,
        )
        online = await backends.presence.online(room_id)
        return {
            "room_id": room_id,
            "online": [{"id": u.user_id, "display_name": u.display_name} for u in online],
        }

    async def on_leave(self, sid: str, payload: Any) -> Ack:
        room_id = RoomRef.model_validate(payload).room_id
        user = self._user(sid)
        if room_id in self.sio.rooms(sid):
            await self._typing.close((sid, room_id))
            await self.sio.leave_room(sid, room_id)
            await self._went_offline(Entry(room_id=room_id, user_id=user.id_str, sid=sid), user)
        return {"room_id": room_id}

    async def _went_offline(self, entry: Entry, user: ChatUser) -> None:
        await flows.went_offline(
            broadcast=self.broadcast,
            presence=self.backends.presence,
            entry=entry,
            display_name=user.display_name,
        )

    async def on_send(self, sid: str, payload: Any) -> Ack:
        data = SendMessage.model_validate(payload)
        user = self._user(sid)
        self._require_joined(sid, data.room_id)
        settings = self.settings
        body = messages.check_body(data.body, max_chars=settings.message_max_chars)
        backends = self.backends
        await backends.flood.consume(user.id_str)
        # The room sees this connection's typing state and its message in the order sent.
        await self._typing.flush((sid, data.room_id))
        # The sender has it in this ack; everyone else (their other tabs too) gets the event.
        message = await flows.send_message(
            db=backends.db,
            broadcast=self.broadcast,
            room_id=ObjectId(data.room_id),
            sender_id=user.id,
            sender_name=user.display_name,
            body=body,
            skip_sid=sid,
        )
        return {"message": message}

    async def on_typing(self, sid: str, payload: Any) -> Ack:
        data = Typing.model_validate(payload)
        user = self._user(sid)
        self._require_joined(sid, data.room_id)
        event = {
            "room_id": data.room_id,
            "user": {"id": user.id_str, "display_name": user.display_name},
            "typing": data.typing,
        }
        # False: held, and the latest held state goes out when the interval ends.
        return {"sent": await self._typing.offer((sid, data.room_id), event)}

    async def _send_typing(self, key: tuple[str, str], event: State) -> None:
        sid, room_id = key
        await self.sio.emit("typing", event, to=room_id, skip_sid=sid)

    async def on_presence(self, sid: str, payload: Any) -> Ack:
        room_id = RoomRef.model_validate(payload).room_id
        self._require_joined(sid, room_id)
        online = await self.backends.presence.online(room_id)
        return {
            "room_id": room_id,
            "online": [{"id": u.user_id, "display_name": u.display_name} for u in online],
        }

    async def on_read(self, sid: str, payload: Any) -> Ack:
        data = ReadUpTo.model_validate(payload)
        user = self._user(sid)
        self._require_joined(sid, data.room_id)
        db = self.backends.db
        membership = await rooms.require_membership(
            db=db, room_id=ObjectId(data.room_id), user_id=user.id
        )
        receipt = await flows.mark_read(
            db=db, broadcast=self.broadcast, membership=membership, message_id=data.message_id
        )
        return receipt.model_dump(mode="json")
