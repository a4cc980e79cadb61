"""The official JavaScript client (`socket.io-client` from npm, run by Node) talks to the
server: connect with a token, join, receive, send with an ack. Skipped, with the reason,
only where Node itself is absent; a missing `npm ci` is a failure."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.utils import User, create_room, join_room

NODE = shutil.which("node")
CLIENT_DIR = Path(__file__).parent / "node"
CLIENT_INSTALLED = (CLIENT_DIR / "node_modules" / "socket.io-client").is_dir()

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed on this machine")


class NodeClient:
    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    async def step(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        async with asyncio.timeout(20):
            line = await self.process.stdout.readline()
        assert line, "the Node client exited early"
        step: dict[str, Any] = json.loads(line)
        return step


async def run_node(url: str, token: str, room_id: str) -> NodeClient:
    if not CLIENT_INSTALLED:
        pytest.fail(
            "socket.io-client is not installed: run realtime-chat/scripts/install-test-deps.sh"
        )
    assert NODE is not None
    process = await asyncio.create_subprocess_exec(
        NODE, "client.mjs", url, token, room_id, cwd=CLIENT_DIR, stdout=asyncio.subprocess.PIPE
    )
    return NodeClient(process)


async def test_the_official_javascript_client_joins_receives_and_sends(
    http: httpx.AsyncClient, live_url: str, connect: Any, alice: User, bob: User
) -> None:
    room = await create_room(http, alice)
    await join_room(http, bob, room)
    alices = await connect(alice)
    await alices.join(room)

    node = await run_node(live_url, bob.access_token, room)
    joined = await node.step()
    assert joined["step"] == "joined", joined
    assert {user["display_name"] for user in joined["online"]} == {"Alice", "Bob"}

    sent = await alices.send(room, "Hello, Node")
    received = await node.step()
    assert (received["step"], received["message"]) == ("received", sent)

    acked = await node.step()
    assert acked["step"] == "acked"
    assert acked["ack"]["ok"] is True
    assert acked["ack"]["message"]["body"] == "Hello from Node"
    assert acked["ack"]["message"]["sender"]["display_name"] == "Bob"
    assert (await alices.next("message:new")) == acked["ack"]["message"]
    assert await node.process.wait() == 0


async def test_the_javascript_client_hears_why_a_bad_token_is_refused(
    live_url: str, alice: User
) -> None:
    node = await run_node(live_url, alice.access_token + "x", "665f1c2ab1e4c2a1d3f0e9b7")
    refused = await node.step()
    assert refused == {"step": "refused", "message": "The access token is invalid"}
    assert await node.process.wait() == 0
