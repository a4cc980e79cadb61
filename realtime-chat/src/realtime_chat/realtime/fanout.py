"""Room fan-out that writes one prebuilt websocket frame to every recipient.

python-socketio delivers an emit to a room by starting a task per recipient; the task puts
the packet on that connection's Engine.IO queue; the queue's writer task wakes, encodes the
packet and hands it to uvicorn, which frames it and writes it to the socket. That is about
30 us of Python per recipient around a write that costs about 5 (bench/README.md): in a chat
room of 500 it is nearly all of the server's CPU.

Here the packet is encoded and framed once, and the same bytes are written to each
recipient's transport: a loop of `transport.write`. A connection takes this path only while
it is exactly equivalent to the standard one:

- it opened as a websocket (not an upgrade from long-polling: packets may wait in its
  queue), served by uvicorn's `websockets` or `websockets-sansio` protocol;
- no extension was negotiated (with per-message deflate every frame must be compressed with
  that connection's own context; `WS_COMPRESSION=on` therefore uses the standard path);
- the connection is open and its transport is not paused (a slow reader whose buffer is
  full is left to Engine.IO's queue, which waits for it without holding up the room).

Every Socket.IO packet to a connection goes the same way as its room messages (acks and
events to one connection included: see `FanoutServer`), so the order the client sees is the
order they were sent. Once a packet of a connection has gone to the queue, that connection
stays on the standard path, so nothing written later can overtake it. Engine.IO's own
packets (pings, close) still use the queue; their order relative to events does not matter.
"""

from __future__ import annotations

import asyncio
import struct
import sys
from collections.abc import Callable
from functools import partial
from typing import Any

import socketio
from engineio import packet as eio_packet
from engineio.async_drivers.asgi import WebSocket
from redis.asyncio import BlockingConnectionPool, Redis
from socketio import packet as sio_packet
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.protocol import State


def text_frame(text: str) -> bytes:
    """An unmasked, unfragmented, uncompressed websocket text frame (RFC 6455, 5.2)."""
    payload = text.encode()
    size = len(payload)
    if size < 126:
        header = struct.pack("!BB", 0x81, size)
    elif size < 65536:
        header = struct.pack("!BBH", 0x81, 126, size)
    else:
        header = struct.pack("!BBQ", 0x81, 127, size)
    return header + payload


class Link:
    """One connection's transport, and whether writing to it now is what uvicorn would do."""

    __slots__ = ("_ready", "demoted", "transport")

    def __init__(self, transport: asyncio.Transport, ready: Callable[[], bool]) -> None:
        self.transport = transport
        self._ready = ready
        self.demoted = False  # a packet went to the queue: stay on the standard path

    def write(self, frame: bytes) -> bool:
        if self.demoted:
            return False
        if not self._ready() or self.transport.is_closing():
            self.demoted = True
            return False
        self.transport.write(frame)
        return True


def link_for(asgi_send: Any) -> Link | None:
    """A Link for the uvicorn websocket behind `asgi_send`, if it is one this module knows."""
    protocol = getattr(asgi_send, "__self__", None)
    if isinstance(protocol, WebSocketsSansIOProtocol):
        sansio = protocol

        def sansio_ready() -> bool:
            return (
                sansio.conn.state is State.OPEN
                and not sansio.conn.extensions
                and not sansio.close_sent
                and sansio.writable.is_set()
            )

        return Link(sansio.transport, sansio_ready)
    # uvicorn's legacy `websockets` protocol, imported only by uvicorn itself when chosen
    # (importing it warns that it is deprecated).
    legacy_module = sys.modules.get("uvicorn.protocols.websockets.websockets_impl")
    legacy_class = getattr(legacy_module, "WebSocketProtocol", None)
    if legacy_class is not None and isinstance(protocol, legacy_class):
        legacy = protocol

        def legacy_ready() -> bool:
            return legacy.state is State.OPEN and not legacy.extensions and not legacy._paused

        return Link(legacy.transport, legacy_ready)
    return None


# python-socketio and python-engineio are untyped: their classes are Any to mypy.
class LinkedWebSocket(WebSocket):  # type: ignore[misc]
    """Engine.IO's ASGI websocket, registering the connection's Link while it is open."""

    def __init__(self, handler: Any, server: Any, *, links: dict[str, Link]) -> None:
        super().__init__(handler, server)
        self.links = links

    async def __call__(self, environ: dict[str, Any]) -> str:
        socket = self.handler.__self__  # the Engine.IO socket this websocket serves
        link = None if socket.connected else link_for(environ["asgi.send"])
        if link is not None:
            self.links[socket.sid] = link
        try:
            result: str = await super().__call__(environ)
            return result
        finally:
            if link is not None and self.links.get(socket.sid) is link:
                del self.links[socket.sid]


class FanoutServer(socketio.AsyncServer):  # type: ignore[misc]
    """python-socketio's server, writing Socket.IO packets straight to linked connections."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.links: dict[str, Link] = {}  # Engine.IO sid -> its open websocket
        # Per instance: Engine.IO builds each websocket from this table (engineio's `_async`).
        self.eio._async = {
            **self.eio._async,
            "websocket": partial(LinkedWebSocket, links=self.links),
        }

    def write_direct(self, eio_sid: str, frame: bytes) -> bool:
        link = self.links.get(eio_sid)
        return link is not None and link.write(frame)

    async def _send_packet(self, eio_sid: str, pkt: Any) -> None:
        encoded = pkt.encode()
        if isinstance(encoded, str):
            message = eio_packet.Packet(eio_packet.MESSAGE, encoded)
            if self.write_direct(eio_sid, text_frame(message.encode())):
                return
        await super()._send_packet(eio_sid, pkt)

    async def _send_eio_packet(self, eio_sid: str, eio_pkt: Any) -> None:
        encoded = eio_pkt.encode()
        if isinstance(encoded, str) and self.write_direct(eio_sid, text_frame(encoded)):
            return
        await super()._send_eio_packet(eio_sid, eio_pkt)


class FanoutManager(socketio.AsyncManager):  # type: ignore[misc]
    """Delivers an emit to this instance's connections: one frame, written to each linked
    recipient in a loop; the others (and emits that need an ack each) the standard way.

    Put it after a pub/sub manager in a class's bases (`RedisFanoutManager`), so that what the
    bus delivers here goes through this too."""

    async def emit(
        self,
        event: str,
        data: Any,
        namespace: str,
        room: Any = None,
        skip_sid: Any = None,
        callback: Any = None,
        to: Any = None,
        **kwargs: Any,
    ) -> None:
        room = to or room
        server = self.server
        if (
            callback is not None
            or namespace not in self.rooms
            or not isinstance(server, FanoutServer)
        ):
            await super().emit(
                event, data, namespace, room=room, skip_sid=skip_sid, callback=callback, **kwargs
            )
            return
        arguments = list(data) if isinstance(data, tuple) else [] if data is None else [data]
        encoded = server.packet_class(
            sio_packet.EVENT, namespace=namespace, data=[event, *arguments]
        ).encode()
        if not isinstance(encoded, str):  # binary attachments: several frames
            await super().emit(event, data, namespace, room=room, skip_sid=skip_sid, **kwargs)
            return
        message = eio_packet.Packet(eio_packet.MESSAGE, encoded)
        frame = text_frame(message.encode())
        skip = skip_sid if isinstance(skip_sid, list) else [skip_sid]
        standard = [
            eio_sid
            for sid, eio_sid in self.get_participants(namespace, room)
            if sid not in skip and not server.write_direct(eio_sid, frame)
        ]
        if standard:  # Engine.IO's queue, a task each, as python-socketio does it
            await asyncio.wait(
                [asyncio.create_task(server._send_eio_packet(sid, message)) for sid in standard]
            )


class RedisFanoutManager(socketio.AsyncRedisManager, FanoutManager):  # type: ignore[misc]
    """The Redis message bus, delivering locally through FanoutManager.

    Its publisher takes connections from a *blocking* pool: a burst of emits waits a moment
    for a free connection instead of failing with "Too many connections" (redis-py's default
    pool raises at 100, and a thousand messages at once would lose some)."""

    PUBLISH_CONNECTIONS = 32

    def _redis_connect(self) -> None:
        pool = BlockingConnectionPool.from_url(
            self.redis_url, max_connections=self.PUBLISH_CONNECTIONS, timeout=10
        )
        self.redis = Redis(connection_pool=pool)
        self.pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
        self.connected = True
