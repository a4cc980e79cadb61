"""Test helpers: users made in one line, and a Socket.IO client whose events can be
awaited with a timeout (no sleeping)."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import socketio

from backend_shared.testing.factories import bearer, unique_email

PASSWORD = "correct-horse-battery"
EVENT_TIMEOUT = 5.0


@dataclass
class User:
    id: str
    email: str
    display_name: str
    access_token: str
    refresh_token: str = ""

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.access_token)


async def signup_and_login(client: httpx.AsyncClient, *, name: str) -> User:
    email = unique_email(name.lower())
    created = await client.post(
        "/auth/signup", json={"email": email, "password": PASSWORD, "display_name": name}
    )
    assert created.status_code == 201, created.text
    login = await client.post("/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    return User(
        id=created.json()["id"],
        email=email,
        display_name=name,
        access_token=login.json()["access_token"],
        refresh_token=login.json()["refresh_token"],
    )


async def create_room(
    client: httpx.AsyncClient, owner: User, *, name: str = "general", private: bool = False
) -> str:
    response = await client.post(
        "/rooms",
        json={"name": name, "description": "", "private": private},
        headers=owner.headers,
    )
    assert response.status_code == 201, response.text
    room_id: str = response.json()["id"]
    return room_id


async def join_room(client: httpx.AsyncClient, user: User, room_id: str) -> None:
    response = await client.post(f"/rooms/{room_id}/join", headers=user.headers)
    assert response.status_code == 200, response.text


class ChatClient:
    """python-socketio's client, with every received event queued by name."""

    def __init__(self) -> None:
        self.sio = socketio.AsyncClient(reconnection=False)
        self._events: defaultdict[str, asyncio.Queue[Any]] = defaultdict(asyncio.Queue)
        self.sio.on("*", self._record)
        self.connect_errors: list[Any] = []
        self.sio.on("connect_error", self.connect_errors.append)
        self.sio.on("disconnect", self._disconnected)

    async def _record(self, event: str, data: Any = None) -> None:
        self._events[event].put_nowait(data)

    async def _disconnected(self, reason: Any = None) -> None:
        """Queued as a `disconnect` event with its reason (e.g. "server disconnect")."""
        self._events["disconnect"].put_nowait(reason)

    async def connect(self, url: str, token: str | None) -> None:
        auth = {"token": token} if token is not None else None
        await self.sio.connect(url, auth=auth, transports=["websocket"], wait_timeout=10)

    async def call(self, event: str, data: Any = None) -> Any:
        return await self.sio.call(event, data, timeout=EVENT_TIMEOUT)

    async def join(self, room_id: str) -> dict[str, Any]:
        ack: dict[str, Any] = await self.call("join", {"room_id": room_id})
        assert ack["ok"], ack
        return ack

    async def send(self, room_id: str, body: str) -> dict[str, Any]:
        ack: dict[str, Any] = await self.call("message:send", {"room_id": room_id, "body": body})
        assert ack["ok"], ack
        message: dict[str, Any] = ack["message"]
        return message

    async def next(
        self,
        event: str,
        where: Callable[[Any], bool] = lambda _: True,
        within: float = EVENT_TIMEOUT,
    ) -> Any:
        """The next `event` that satisfies `where` (earlier ones that do not are dropped)."""
        queue = self._events[event]
        async with asyncio.timeout(within):
            while True:
                data = await queue.get()
                if where(data):
                    return data

    def pending(self, event: str) -> list[Any]:
        """Events already received and not yet taken by `next`."""
        queue = self._events[event]
        items = []
        while not queue.empty():
            items.append(queue.get_nowait())
        return items

    async def close(self) -> None:
        if self.sio.connected:
            await self.sio.disconnect()


async def refusal(url: str, token: str | None) -> str:
    """The `connect_error` message the server sent when it refused `token`."""
    client = ChatClient()
    try:
        await client.connect(url, token)
    except socketio.exceptions.ConnectionError:
        [error] = client.connect_errors
        message: str = error["message"]
        return message
    finally:
        await client.close()
    raise AssertionError("the server accepted the connection")


async def assert_closed(client: ChatClient, code: str, message: str) -> None:
    """The server told the client why (`session:ended`), then disconnected it."""
    assert await client.next("session:ended", within=10) == {"code": code, "message": message}
    assert await client.next("disconnect", within=10) == client.sio.reason.SERVER_DISCONNECT
    assert not client.sio.connected


# The `connect` fixture: `await connect(user)` gives a signed-in ChatClient.
Connect = Callable[..., Awaitable["ChatClient"]]
