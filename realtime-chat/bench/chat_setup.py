"""Create bench users and one public room through the realtime-chat REST API.

Every path and response field the bench relies on is in CHAT_API below; the request bodies are
built in the two functions under it.
"""

import asyncio
import secrets
from dataclasses import dataclass
from typing import Any

import httpx


@dataclass(frozen=True)
class ChatApi:
    signup_path: str = "/auth/signup"  # JSON {email, password, display_name}
    login_path: str = "/auth/login"  # JSON {email, password} -> {login_response_key: ...}
    login_response_key: str = "access_token"
    create_room_path: str = "/rooms"  # JSON {name, description, private} -> {room_id_field: ...}
    room_id_field: str = "id"
    join_room_path: str = "/rooms/{room_id}/join"
    # Statuses that mean "already done" on a re-run with the same --setup-tag.
    already_exists: tuple[int, ...] = (409,)


CHAT_API = ChatApi()


@dataclass(frozen=True)
class BenchUser:
    email: str
    display_name: str
    password: str


def bench_users(*, count: int, tag: str, password: str) -> list[BenchUser]:
    return [
        BenchUser(
            email=f"bench-{tag}-{i}@example.com", display_name=f"bench {tag} {i}", password=password
        )
        for i in range(count)
    ]


def new_setup_tag() -> str:
    return secrets.token_hex(3)


def _check(response: httpx.Response, *, allowed: tuple[int, ...] = ()) -> None:
    if response.is_success or response.status_code in allowed:
        return
    raise SystemExit(
        f"chat setup: {response.request.method} {response.request.url.path} -> "
        f"{response.status_code} {response.text[:300]}"
    )


async def _signup_and_login(client: httpx.AsyncClient, user: BenchUser) -> str:
    signup = {"email": user.email, "password": user.password, "display_name": user.display_name}
    _check(await client.post(CHAT_API.signup_path, json=signup), allowed=CHAT_API.already_exists)
    login = await client.post(
        CHAT_API.login_path, json={"email": user.email, "password": user.password}
    )
    _check(login)
    token: str = login.json()[CHAT_API.login_response_key]
    return token


async def setup_chat(
    *, base_url: str, users: int, tag: str, password: str, concurrency: int = 8
) -> tuple[list[str], str]:
    """Sign up and log in `users` users, create a public room as the first, join the rest.

    Returns the access tokens (first one is the room owner) and the room id.
    """
    limit = asyncio.Semaphore(concurrency)

    async def bounded(coro: Any) -> Any:
        async with limit:
            return await coro

    timeout = httpx.Timeout(60.0)  # signup hashes a password: slow under load, but bounded
    async with httpx.AsyncClient(base_url=base_url, timeout=timeout) as client:
        people = bench_users(count=users, tag=tag, password=password)
        tokens = await asyncio.gather(
            *(bounded(_signup_and_login(client, user)) for user in people)
        )
        owner = {"Authorization": f"Bearer {tokens[0]}"}
        room = {"name": f"bench {tag}", "description": "load test room", "private": False}
        created = await client.post(CHAT_API.create_room_path, json=room, headers=owner)
        _check(created)
        room_id = str(created.json()[CHAT_API.room_id_field])
        join_path = CHAT_API.join_room_path.format(room_id=room_id)

        async def join(token: str) -> None:
            headers = {"Authorization": f"Bearer {token}"}
            response = await client.post(join_path, headers=headers)
            _check(response, allowed=CHAT_API.already_exists)

        await asyncio.gather(*(bounded(join(token)) for token in tokens[1:]))
    return list(tokens), room_id
