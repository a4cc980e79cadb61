"""A lean Socket.IO v5 / Engine.IO v4 client (websocket transport only) for generating load.

One python-socketio AsyncClient per connection costs several tasks, queues and a full
packet decoder; at 10,000 deliveries/s that alone would eat a core. This client is one
asyncio.Protocol per connection on top of the sans-I/O `websockets` protocol: every
incoming frame is handled synchronously inside data_received, with no task, queue or
future per message.
"""

import asyncio
import json
import ssl
import time
from collections.abc import Callable
from itertools import count
from typing import Any, cast
from urllib.parse import urlsplit

from websockets.client import ClientProtocol
from websockets.extensions.permessage_deflate import ClientPerMessageDeflateFactory
from websockets.frames import Frame, Opcode
from websockets.http11 import Response
from websockets.uri import parse_uri

# (event name, event data, monotonic ns when the frame carrying it was read)
EventHandler = Callable[[str, Any, int], None]

_ENGINE_OPEN, _ENGINE_CLOSE, _ENGINE_PING, _ENGINE_MESSAGE = b"0"[0], b"1"[0], b"2"[0], b"4"[0]
_SIO_CONNECT, _SIO_DISCONNECT, _SIO_EVENT, _SIO_ACK, _SIO_CONNECT_ERROR = b"01234"
_DIGITS = frozenset(b"0123456789")


class ConnectError(Exception):
    """The server refused or never completed the Socket.IO connection."""


def websocket_url(server_url: str, path: str = "/socket.io/") -> str:
    """Turn a Socket.IO server root (http://host:port) into its Engine.IO websocket URL."""
    parts = urlsplit(server_url)
    scheme = "wss" if parts.scheme in ("https", "wss") else "ws"
    path = "/" + path.strip("/") + "/"
    return f"{scheme}://{parts.netloc}{path}?EIO=4&transport=websocket"


def _split_ack_id(packet: bytes) -> tuple[int | None, bytes]:
    end = 0
    while end < len(packet) and packet[end] in _DIGITS:
        end += 1
    return (int(packet[:end]), packet[end:]) if end else (None, packet)


class SocketIoConnection(asyncio.Protocol):
    """One Socket.IO connection; events are handed to `on_event` as they are decoded."""

    def __init__(
        self,
        ws_url: str,
        *,
        auth: dict[str, Any] | None,
        on_event: EventHandler,
        namespace: str = "/",
        deflate: bool = False,
    ) -> None:
        extensions = [ClientPerMessageDeflateFactory()] if deflate else None
        self._ws = ClientProtocol(parse_uri(ws_url), extensions=extensions, max_size=None)
        self._auth = auth
        self._on_event = on_event
        self._namespace = b"" if namespace == "/" else namespace.encode() + b","
        self._transport: asyncio.Transport | None = None
        self._fragments: list[bytes] = []
        self._ack_ids = count()
        self._pending_acks: dict[int, asyncio.Future[list[Any]]] = {}
        loop = asyncio.get_running_loop()
        self.connected: asyncio.Future[None] = loop.create_future()
        self.closed: asyncio.Future[None] = loop.create_future()
        # A refusal that arrives after connect() gave up must not be logged as unretrieved.
        self.connected.add_done_callback(lambda f: f.cancelled() or f.exception())

    # asyncio.Protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass
        self._ws.send_request(self._ws.connect())
        self._flush()

    def data_received(self, data: bytes) -> None:
        received_ns = time.monotonic_ns()
        self._ws.receive_data(data)
        for event in self._ws.events_received():
            if isinstance(event, Frame):
                self._handle_frame(event, received_ns)
            elif isinstance(event, Response) and self._ws.handshake_exc is not None:
                self._fail_connect(ConnectError(f"websocket handshake: {self._ws.handshake_exc}"))
        self._flush()

    def connection_lost(self, exc: Exception | None) -> None:
        self._ws.receive_eof()
        self._fail_connect(ConnectError(f"connection lost: {exc or 'closed by server'}"))
        for future in self._pending_acks.values():
            if not future.done():
                future.set_exception(ConnectionError("connection lost before ack"))
        if not self.closed.done():
            self.closed.set_result(None)

    # Sending

    def emit(self, event: str, data: Any) -> None:
        self._send_text(b"42" + self._namespace + json.dumps([event, data]).encode())

    def call(self, event: str, data: Any) -> asyncio.Future[list[Any]]:
        """Emit with an ack request; the future resolves to the ack's argument list."""
        ack_id = next(self._ack_ids)
        future: asyncio.Future[list[Any]] = asyncio.get_running_loop().create_future()
        self._pending_acks[ack_id] = future
        payload = json.dumps([event, data]).encode()
        self._send_text(b"42" + self._namespace + str(ack_id).encode() + payload)
        return future

    def close(self) -> None:
        if self._transport is None or self._transport.is_closing():
            return
        if self.connected.done() and not self.connected.exception():
            self._send_text(b"41" + self._namespace)
        self._ws.send_close()
        self._flush()
        self._transport.close()

    def _send_text(self, data: bytes) -> None:
        if self._transport is None or self._transport.is_closing():
            return
        self._ws.send_text(data)
        self._flush()

    def _flush(self) -> None:
        if self._transport is None:
            return
        for chunk in self._ws.data_to_send():
            if chunk:
                self._transport.write(chunk)
            else:  # the protocol's end-of-stream marker
                self._transport.close()

    # Receiving

    def _fail_connect(self, error: Exception) -> None:
        if not self.connected.done():
            self.connected.set_exception(error)
            if self._transport is not None:
                self._transport.close()

    def _handle_frame(self, frame: Frame, received_ns: int) -> None:
        if frame.opcode not in (Opcode.TEXT, Opcode.CONT):
            return  # ping/pong/close are answered by the websockets protocol itself
        data = cast(bytes, frame.data)  # frames parsed off the wire always carry bytes
        if not frame.fin:
            self._fragments.append(data)
            return
        if self._fragments:
            data = b"".join([*self._fragments, data])
            self._fragments.clear()
        kind = data[0]
        if kind == _ENGINE_MESSAGE:
            self._handle_socketio(data[1:], received_ns)
        elif kind == _ENGINE_PING:
            self._send_text(b"3" + data[1:])
        elif kind == _ENGINE_OPEN:
            auth = json.dumps(self._auth).encode() if self._auth is not None else b""
            self._send_text(b"40" + self._namespace + auth)
        elif kind == _ENGINE_CLOSE:
            self.close()

    def _handle_socketio(self, packet: bytes, received_ns: int) -> None:
        kind, packet = packet[0], packet[1:]
        if packet.startswith(b"/"):  # "/namespace,"
            packet = packet[packet.index(b",") + 1 :] if b"," in packet else b""
        if kind == _SIO_EVENT:
            ack_id, packet = _split_ack_id(packet)
            event = json.loads(packet)
            self._on_event(event[0], event[1] if len(event) > 1 else None, received_ns)
            if ack_id is not None:
                self._send_text(b"43" + self._namespace + str(ack_id).encode() + b"[]")
        elif kind == _SIO_ACK:
            ack_id, packet = _split_ack_id(packet)
            future = self._pending_acks.pop(ack_id, None) if ack_id is not None else None
            if future is not None and not future.done():
                future.set_result(json.loads(packet))
        elif kind == _SIO_CONNECT:
            if not self.connected.done():
                self.connected.set_result(None)
        elif kind == _SIO_CONNECT_ERROR:
            self._fail_connect(ConnectError(f"refused: {packet.decode(errors='replace')}"))
        elif kind == _SIO_DISCONNECT:
            self.close()


async def connect(
    ws_url: str,
    *,
    on_event: EventHandler,
    auth: dict[str, Any] | None = None,
    namespace: str = "/",
    deflate: bool = False,
    handshake_timeout: float = 10.0,
) -> SocketIoConnection:
    """Open the websocket, complete the Engine.IO and Socket.IO handshakes, return the client."""
    uri = parse_uri(ws_url)
    loop = asyncio.get_running_loop()
    protocol = SocketIoConnection(
        ws_url, auth=auth, on_event=on_event, namespace=namespace, deflate=deflate
    )
    ssl_context = ssl.create_default_context() if uri.secure else None
    try:
        async with asyncio.timeout(handshake_timeout):
            await loop.create_connection(lambda: protocol, uri.host, uri.port, ssl=ssl_context)
            await protocol.connected
    except TimeoutError:
        protocol.close()
        raise ConnectError(f"no Socket.IO connect within {handshake_timeout:g}s") from None
    except OSError as exc:
        raise ConnectError(f"tcp: {exc.strerror or exc}") from None
    return protocol
