"""realtime-chat fixtures: the app on a fresh database per test (in-process for REST, or
served by a real uvicorn for Socket.IO), and one-line users."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from backend_shared.testing.live import live_server
from realtime_chat.config import Settings
from realtime_chat.main import create_app
from tests.utils import ChatClient, User, create_room, join_room, signup_and_login


@pytest.fixture
def settings(service_settings: dict[str, Any]) -> Settings:
    # Presence beats fast so that expiry stories finish in a second or two.
    return Settings(**service_settings, presence_heartbeat_seconds=0.2, presence_ttl_seconds=1.0)


@pytest.fixture
def chat_app(settings: Settings) -> Any:
    return create_app(settings)


@pytest.fixture
def app(chat_app: Any) -> Any:
    """The FastAPI app behind Socket.IO, for the plugin's in-process `client`."""
    return chat_app.api


@pytest.fixture
def live_url(chat_app: Any) -> Iterator[str]:
    """The whole app (Socket.IO and REST) served by uvicorn on a free port."""

    with live_server(chat_app) as url:
        yield url


@pytest.fixture
async def http(live_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=live_url, timeout=10) as client:
        yield client


@pytest.fixture
async def alice(http: httpx.AsyncClient) -> User:
    return await signup_and_login(http, name="Alice")


@pytest.fixture
async def bob(http: httpx.AsyncClient) -> User:
    return await signup_and_login(http, name="Bob")


@pytest.fixture
async def connect(live_url: str) -> AsyncIterator[Any]:
    """`await connect(user)`: a Socket.IO client signed in as `user`, closed after the test."""
    clients: list[ChatClient] = []

    async def open_client(user: User, url: str = live_url) -> ChatClient:
        client = ChatClient()
        await client.connect(url, user.access_token)
        clients.append(client)
        return client

    yield open_client
    for client in clients:
        await client.close()


@pytest.fixture
async def room(http: httpx.AsyncClient, alice: User, bob: User) -> str:
    """A public room with Alice (owner) and Bob as members."""
    room_id = await create_room(http, alice)
    await join_room(http, bob, room_id)
    return room_id
