"""A connection lasts only as long as its credentials. Each remembers its token's account,
session (`sid` claim) and expiry, and is closed when the token expires (a timer, and a
check before every event) or when its session ends: a log-out, a new password, a disabled
or removed account. Those are announced on `<service>:sessions-ended`
(`backend_shared.accounts.flows`); every instance listens (`realtime/lifecycle.py`) and
closes its own connections of that session, or of that account when no session is named.

A connection being closed is first sent `session:ended` with a code (`session_ended`: log
in again; `token_expired`: get a fresh token and reconnect) and a message saying why."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import socketio

from backend_shared.auth.tokens import Principal
from backend_shared.errors import Unauthorized
from realtime_chat.realtime.acks import Ack, EventError, Handler

logger = logging.getLogger("realtime_chat.sessions")

SESSION_ENDED = "session:ended"
TOKEN_EXPIRED = "The access token has expired; connect again with a fresh one"  # noqa: S105
LOGGED_OUT = "This session was logged out; log in again"
ALL_SESSIONS_ENDED = (
    "Every session of this account has ended (a new password, or the account was disabled "
    "or removed); log in again"
)

# Loads the account `principal` speaks for and checks its session (Unauthorized if ended).
CheckSession = Callable[[Principal], Awaitable[dict[str, Any]]]


@dataclass(eq=False, slots=True)
class Credentials:
    """What a connection was opened with, and where it is in its life."""

    principal: Principal
    live: bool = False  # the connect handler has finished: it can be closed
    stale: bool = False  # a session ended while it was opening: check it again
    closing: bool = False
    timer: asyncio.TimerHandle | None = None

    @property
    def user_id(self) -> str:
        return self.principal.id

    @property
    def session_id(self) -> str | None:
        return self.principal.session_id


class LiveSessions:
    """This instance's connections by account and session, and closing them."""

    def __init__(self, sio: socketio.AsyncServer, *, clock: Callable[[], float] = time.time):
        self.sio = sio
        # Wall-clock seconds, like a token's `exp`. Tests move it forward to send an event
        # on a connection whose token has expired before its timer has fired.
        self.clock = clock
        self._connections: dict[str, Credentials] = {}
        self._by_user: dict[str, set[str]] = {}
        self._closing: set[asyncio.Task[None]] = set()

    def opening(self, sid: str, principal: Principal) -> Credentials:
        """Track `sid` from before its account is checked, so that a session ending
        meanwhile is not missed (`stale`)."""
        credentials = self._connections[sid] = Credentials(principal)
        self._by_user.setdefault(principal.id, set()).add(sid)
        return credentials

    def opened(self, sid: str) -> None:
        """The connection is up: close it when its token expires."""
        credentials = self._connections[sid]
        credentials.live = True
        delay = max(0.0, credentials.principal.expires_at - self.clock())
        credentials.timer = asyncio.get_running_loop().call_later(
            delay, self._close_soon, sid, "token_expired", TOKEN_EXPIRED
        )

    def forget(self, sid: str) -> None:
        credentials = self._connections.pop(sid, None)
        if credentials is None:
            return
        if credentials.timer is not None:
            credentials.timer.cancel()
        sids = self._by_user.get(credentials.user_id)
        if sids is not None:
            sids.discard(sid)
            if not sids:
                del self._by_user[credentials.user_id]

    def guard(self, handler: Handler) -> Handler:
        """Refuse an event on a connection whose token has expired, and close it (after
        the refusal's ack has gone out)."""

        async def checked(sid: str, payload: Any) -> Ack:
            credentials = self._connections.get(sid)
            if credentials is not None and credentials.principal.expires_at <= self.clock():
                self._close_soon(sid, "token_expired", TOKEN_EXPIRED)
                raise EventError("unauthorized", TOKEN_EXPIRED)
            return await handler(sid, payload)

        return checked

    async def ended(self, *, user_id: str, session_id: str | None) -> None:
        """A session of `user_id` ended (`session_id`), or all of them (None)."""
        message = LOGGED_OUT if session_id else ALL_SESSIONS_ENDED
        for sid in list(self._by_user.get(user_id, ())):
            credentials = self._connections.get(sid)
            if credentials is None or (session_id and credentials.session_id != session_id):
                continue
            if credentials.live:
                await self.close(sid, "session_ended", message)
            else:
                credentials.stale = True

    async def recheck(self, check_session: CheckSession) -> None:
        """Check every live connection's session against its account again: announcements
        made while this instance was not listening were missed."""
        for sid, credentials in list(self._connections.items()):
            if not credentials.live:
                continue
            try:
                await check_session(credentials.principal)
            except Unauthorized as exc:
                await self.close(sid, "session_ended", exc.detail)

    async def close(self, sid: str, code: str, message: str) -> None:
        """Tell the connection why, then disconnect it (once)."""
        credentials = self._connections.get(sid)
        if credentials is None or credentials.closing:
            return
        credentials.closing = True
        try:
            # Only this instance holds `sid`: nothing to publish to the others.
            await self.sio.emit(
                SESSION_ENDED, {"code": code, "message": message}, to=sid, ignore_queue=True
            )
            await self.sio.disconnect(sid, ignore_queue=True)
        except Exception:  # the connection may be going away on its own
            logger.warning("could not close connection %s", sid, exc_info=True)

    def _close_soon(self, sid: str, code: str, message: str) -> None:
        task = asyncio.get_running_loop().create_task(self.close(sid, code, message))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    async def aclose(self) -> None:
        """Stop the expiry timers (the instance is shutting down)."""
        for credentials in self._connections.values():
            if credentials.timer is not None:
                credentials.timer.cancel()
        closing = list(self._closing)
        for task in closing:
            task.cancel()
        for task in closing:
            with contextlib.suppress(asyncio.CancelledError):
                await task
