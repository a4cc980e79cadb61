"""Two server processes, one Valkey: a client on each instance sees the other's messages,
typing and presence, and a user on a crashed instance goes offline within a bounded time.

Each instance is a real `uvicorn` process. Without MONGODB_URL each has its own embedded
database, so the test sets up the accounts, the room and both memberships on one instance,
stops it (its embedded engine writes a snapshot) and starts both instances from copies of
that snapshot: two instances restored from one backup, with the same ids. What the live
path needs from the other instance comes through Redis: room membership is mirrored there,
presence lives there, and the Socket.IO message bus is Redis pub/sub. With MONGODB_URL set,
both share that database and the same steps apply."""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from backend_shared.testing.live import free_port
from realtime_chat.realtime.sessions import LOGGED_OUT
from tests.utils import ChatClient, User, assert_closed, create_room, join_room, signup_and_login

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


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture
def env(redis_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "APP_ENV": "test",
        "LOG_LEVEL": "WARNING",
        "REDIS_URL": redis_url,
        "JWT_SECRET": secrets.token_urlsafe(48),
        "MONGODB_DB": f"test_{secrets.token_hex(8)}",
        "PRESENCE_HEARTBEAT_SECONDS": str(HEARTBEAT_SECONDS),
        "PRESENCE_TTL_SECONDS": str(TTL_SECONDS),
    }


async def seed(env: dict[str, str], data_dir: Path) -> tuple[User, User, str]:
    """Alice, Bob, and a room both belong to, kept in `data_dir`'s snapshot."""
    port = free_port()
    process = start_instance(port, {**env, "EMBEDDED_DATA_DIR": str(data_dir)}, data_dir)
    try:
        wait_until_healthy(f"http://127.0.0.1:{port}", process)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as one:
            alice = await signup_and_login(one, name="Alice")
            bob = await signup_and_login(one, name="Bob")
            room = await create_room(one, alice)
            await join_room(one, bob, room)
    finally:
        stop(process)
    return alice, bob, room


@contextmanager
def instances_from(env: dict[str, str], data_dir: Path, tmp_path: Path) -> Iterator[list[Any]]:
    started = []
    try:
        for n in range(2):
            copy = shutil.copytree(data_dir, tmp_path / f"instance-{n}")
            port = free_port()
            instance_env = {**env, "EMBEDDED_DATA_DIR": str(copy)}
            started.append((f"http://127.0.0.1:{port}", start_instance(port, instance_env, copy)))
        for url, process in started:
            wait_until_healthy(url, process)
        yield started
    finally:
        for _, process in started:
            stop(process)


async def test_two_instances_share_a_room_and_a_crash_takes_its_users_offline(
    env: dict[str, str], tmp_path: Path
) -> None:
    (tmp_path / "seed").mkdir()
    alice, bob, room = await seed(env, tmp_path / "seed")
    with instances_from(env, tmp_path / "seed", tmp_path) as instances:
        (url_1, _), (url_2, process_2) = instances
        await _chat_across(url_1, url_2, process_2, alice, bob, room)


async def _chat_across(
    url_1: str, url_2: str, process_2: Any, alice: User, bob: User, room: str
) -> None:
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


async def test_a_log_out_on_one_instance_closes_that_sessions_socket_on_the_other(
    env: dict[str, str], tmp_path: Path
) -> None:
    (tmp_path / "seed").mkdir()
    alice, _, _ = await seed(env, tmp_path / "seed")
    with instances_from(env, tmp_path / "seed", tmp_path) as instances:
        (url_1, _), (url_2, _) = instances
        socket = ChatClient()
        try:
            await socket.connect(url_2, alice.access_token)
            async with httpx.AsyncClient(base_url=url_1, timeout=10) as one:
                logout = await one.post("/auth/logout", json={"refresh_token": alice.refresh_token})
                assert logout.status_code == 204
            await assert_closed(socket, "session_ended", LOGGED_OUT)
        finally:
            await socket.close()
