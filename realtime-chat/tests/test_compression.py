"""WS_COMPRESSION decides whether the chat accepts the per-message deflate that browsers and
the official client offer, when it is served as `python -m realtime_chat` serves it."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import uvicorn
from websockets.asyncio.client import connect

from backend_shared.testing.live import free_port
from realtime_chat.__main__ import uvicorn_options
from realtime_chat.config import Settings
from realtime_chat.main import create_app


@contextmanager
def served_as_launched(settings: Settings) -> Iterator[str]:
    """The chat in a real uvicorn, with the options `python -m realtime_chat` gives it."""
    port = free_port()
    config = uvicorn.Config(
        create_app(settings),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="on",
        **uvicorn_options(settings),
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the chat did not start")
        time.sleep(0.01)
    try:
        yield f"ws://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.mark.parametrize(("setting", "accepted"), [("off", False), ("on", True)])
async def test_the_server_accepts_the_offered_deflate_only_when_compression_is_on(
    settings: Settings, setting: str, accepted: bool
) -> None:
    with served_as_launched(settings.model_copy(update={"ws_compression": setting})) as url:
        async with connect(url, compression="deflate") as websocket:  # offered, as browsers do
            answer = websocket.response.headers.get("Sec-WebSocket-Extensions")
            opened = await websocket.recv()

    assert str(opened).startswith("0{")  # Engine.IO's open packet either way
    assert (answer is not None and answer.startswith("permessage-deflate")) is accepted
