"""Two server processes, one Valkey: a client on each instance sees the other's messages,
typing and presence, and a user on a crashed instance goes offline within a bounded time.

Each instance is a real `uvicorn` process. Without MONGODB_URL each has its own in-memory
database, so the test creates each account on the instance its user connects to, and the
room (and both memberships) on instance 1. What the live path needs from the other
instance comes through Redis: tokens verify with the shared JWT secret, room membership
is mirrored in Redis, presence lives there, and the Socket.IO message bus is Redis pub/sub.
With MONGODB_URL set, both share that database and the same steps apply."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from backend_shared.testing.live import free_port
from tests.utils import ChatClient, create_room, join_room, signup_and_login

HEARTBEAT_SECONDS, TTL_SECONDS = 0.3, 1.5


def start_instance(port: int, env: dict[str, str], cwd: Path) -> subprocess.Popen[bytes]:
    command = [
        sys.executable, "-m", "uvicorn", "realtime_chat.main:create_app", "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--loop", "uvloop", "--ws", "websockets",
    ]  # fmt: skip
    return subprocess.Popen(command, env=env, cwd=cwd)


def wait_until_healthy(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the instance at {url} exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.05)  # not listening yet
    raise RuntimeError(f"the instance at {url} did not start")


@pytest.fixture
def instances(redis_url: str, tmp_path: Path) -> Iterator[list[tuple[str, Any]]]:
    env = {
        **os.environ,
        "APP_ENV": "test",
        "LOG_LEVEL": "WARNING",
        "REDIS_URL": redis_url,
        "JWT_SECRET": secrets.token_urlsafe(48),
        "MONGODB_DB": f"test_{secrets.token_hex(8)}",
        "PRESENCE_HEARTBEAT_SECONDS": str(HEARTBEAT_SECONDS),
        "PRESENCE_TTL_SECONDS": str(TTL_SECONDS),
    }
    started = []
    try:
        for _ in range(2):
            port = free_port()
            started.append((f"http://127.0.0.1:{port}", start_instance(port, env, tmp_path)))
        for url, process in started:
            wait_until_healthy(url, process)
        yield started
    finally:
        for _, process in started:
            if process.poll() is None:
                process.terminate()
        for _, process in started:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


async def test_two_instances_share_a_room_and_a_crash_takes_its_users_offline(
    instances: list[tuple[str, Any]],
) -> None:
    (url_1, _), (url_2, process_2) = instances
    async with (
        httpx.AsyncClient(base_url=url_1, timeout=10) as one,
        httpx.AsyncClient(base_url=url_2, timeout=10) as two,
    ):
        alice = await signup_and_login(one, name="Alice")
        bob = await signup_and_login(two, name="Bob")
        room = await create_room(one, alice)
        await join_room(one, bob, room)

    alices, bobs = ChatClient(), ChatClient()
    try:
        await alices.connect(url_1, alice.access_token)
        await bobs.connect(url_2, bob.access_token)
        await alices.join(room)
        joined = await bobs.join(room)
        assert {user["display_name"] for user in joined["online"]} == {"Alice", "Bob"}
        assert (await alices.next("presence"))["user"] == {"id": bob.id, "display_name": "Bob"}

        sent = await bobs.send(room, "Hello from instance 2")
        assert await alices.next("message:new") == sent
        sent = await alices.send(room, "Hello from instance 1")
        assert await bobs.next("message:new") == sent

        await alices.call("typing", {"room_id": room})
        assert (await bobs.next("typing"))["user"]["display_name"] == "Alice"

        # Instance 2 dies without a word: no disconnect, no clean-up of its presence.
        process_2.send_signal(signal.SIGKILL)
        process_2.wait()
        offline = await alices.next("presence", within=TTL_SECONDS + 3 * HEARTBEAT_SECONDS + 2)
        assert (offline["user"]["id"], offline["online"]) == (bob.id, False)
        ack = await alices.call("presence", {"room_id": room})
        assert [user["id"] for user in ack["online"]] == [alice.id]
    finally:
        await alices.close()
        await bobs.close()
