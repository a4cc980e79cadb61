"""No connection outlives its credentials: a socket is closed, and told why, when its
session is logged out, when its account gets a new password, is disabled or removed, and
when its token expires. A closed session cannot connect again."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any

import httpx
import jwt
import pytest
from redis.asyncio import Redis

from backend_shared.accounts import flows
from backend_shared.accounts import service as accounts
from backend_shared.ids import parse_object_id
from backend_shared.testing.factories import sign_claims
from realtime_chat.config import Settings
from realtime_chat.main import create_app
from realtime_chat.realtime.sessions import ALL_SESSIONS_ENDED, LOGGED_OUT, TOKEN_EXPIRED
from tests.utils import PASSWORD, Connect, User, assert_closed, refusal

OnServer = Callable[[Coroutine[Any, Any, Any]], Awaitable[Any]]


@pytest.fixture
def chat_app(settings: Settings) -> Any:
    """The app, remembering the event loop it is served on (see `on_server`)."""
    app = create_app(settings)
    serve = app.api.router.lifespan_context

    @asynccontextmanager
    async def lifespan(api: Any) -> AsyncIterator[Any]:
        app.loop = asyncio.get_running_loop()
        async with serve(api) as state:
            yield state

    app.api.router.lifespan_context = lifespan
    return app


@pytest.fixture
def on_server(chat_app: Any, live_url: str) -> OnServer:
    """Run a coroutine on the server's own loop, with its own database and Redis clients:
    what an admin tool inside the service would do (realtime-chat has no admin routes)."""

    async def run(coroutine: Coroutine[Any, Any, Any]) -> Any:
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coroutine, chat_app.loop))

    return run


async def log_in_again(http: httpx.AsyncClient, user: User) -> User:
    """A second session of `user` (another device)."""
    login = await http.post("/auth/login", json={"email": user.email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    tokens = login.json()
    return User(
        user.id, user.email, user.display_name, tokens["access_token"], tokens["refresh_token"]
    )


async def test_logging_out_closes_that_sessions_socket_and_no_other(
    http: httpx.AsyncClient, connect: Connect, live_url: str, alice: User, room: str
) -> None:
    laptop = await log_in_again(http, alice)
    phone_socket, laptop_socket = await connect(alice), await connect(laptop)

    response = await http.post("/auth/logout", json={"refresh_token": alice.refresh_token})
    assert response.status_code == 204

    await assert_closed(phone_socket, "session_ended", LOGGED_OUT)
    await laptop_socket.join(room)  # the other session goes on
    assert await refusal(live_url, alice.access_token) == "The session has been logged out"


async def test_a_new_password_closes_every_socket_of_the_account(
    http: httpx.AsyncClient, connect: Connect, alice: User, bob: User, room: str
) -> None:
    laptop = await log_in_again(http, alice)
    alices = [await connect(alice), await connect(alice), await connect(laptop)]
    bobs = await connect(bob)

    change = {"password": "a-brand-new-password", "current_password": PASSWORD}
    response = await http.patch("/users/me", json=change, headers=alice.headers)
    assert response.status_code == 200, response.text

    for socket in alices:
        await assert_closed(socket, "session_ended", ALL_SESSIONS_ENDED)
    await bobs.join(room)  # someone else's password is not mine


async def test_a_disabled_account_is_disconnected_and_cannot_reconnect(
    connect: Connect, chat_app: Any, on_server: OnServer, live_url: str, alice: User
) -> None:
    socket = await connect(alice)
    state = chat_app.api.state
    disabled = await on_server(
        flows.disable_account(
            db=state.db,
            refresh_tokens=state.refresh_tokens,
            redis=state.redis,
            service_name=state.settings.service_name,
            user_id=parse_object_id(alice.id),
        )
    )
    assert disabled is not None

    await assert_closed(socket, "session_ended", ALL_SESSIONS_ENDED)
    assert await refusal(live_url, alice.access_token) == "The account is disabled"


async def test_a_removed_account_is_disconnected_and_cannot_reconnect(
    connect: Connect, chat_app: Any, on_server: OnServer, live_url: str, alice: User
) -> None:
    socket = await connect(alice)
    state = chat_app.api.state

    async def remove_account() -> None:
        await state.db["users"].delete_one({"_id": parse_object_id(alice.id)})
        await flows.sessions_ended(
            redis=state.redis, service_name=state.settings.service_name, user_id=alice.id
        )

    await on_server(remove_account())

    await assert_closed(socket, "session_ended", ALL_SESSIONS_ENDED)
    assert await refusal(live_url, alice.access_token) == "The account no longer exists"


async def test_a_socket_is_closed_when_its_token_expires(
    connect: Connect, chat_app: Any, alice: User
) -> None:
    claims = jwt.decode(alice.access_token, options={"verify_signature": False})
    short_lived = sign_claims(chat_app.api, claims | {"exp": int(time.time()) + 2})
    socket = await connect(User(alice.id, alice.email, alice.display_name, short_lived))
    await assert_closed(socket, "token_expired", TOKEN_EXPIRED)


async def test_an_event_on_an_expired_connection_is_refused_and_closes_it(
    connect: Connect, chat_app: Any, alice: User, room: str
) -> None:
    socket = await connect(alice)
    await socket.join(room)
    # The token's hour has passed, but its timer has not fired yet: the next event is the
    # first to see it.
    chat_app.chat.sessions.clock = lambda: time.time() + 3600

    ack = await socket.call("message:send", {"room_id": room, "body": "still here?"})

    assert ack == {"ok": False, "error": {"code": "unauthorized", "message": TOKEN_EXPIRED}}
    await assert_closed(socket, "token_expired", TOKEN_EXPIRED)


async def test_a_session_ended_while_the_instance_was_not_listening_is_closed_when_it_listens_again(
    connect: Connect,
    chat_app: Any,
    on_server: OnServer,
    redis_url: str,
    alice: User,
    settings: Settings,
) -> None:
    socket = await connect(alice)
    state = chat_app.api.state
    # Logged out with no announcement, as if it were published while this instance's
    # subscription was down.
    await on_server(
        accounts.logout(
            db=state.db,
            refresh_tokens=state.refresh_tokens,
            refresh_token=alice.refresh_token,
            access_ttl_seconds=settings.access_token_ttl_seconds,
        )
    )
    # Drop the subscription's connection: redis-py reconnects and subscribes again.
    async with Redis.from_url(redis_url) as redis:
        listeners = [
            client["id"]
            for client in await redis.client_list()
            if client["name"] == f"{settings.service_name}:sessions"
        ]
        assert listeners
        for client_id in listeners:
            await redis.client_kill_filter(_id=client_id)

    await assert_closed(socket, "session_ended", "The session has been logged out")
