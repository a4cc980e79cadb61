"""One load-generator worker process: holds a share of the receiving clients and times deliveries.

The parent drives it over a pipe: the worker connects and joins, says "ready"; on "go" it starts
its CPU clock; on "drain" it waits for the remaining deliveries and sends its results; on
"close" it disconnects and exits.
"""

import asyncio
import contextlib
import gc
import time
from array import array
from collections import Counter
from dataclasses import dataclass
from functools import partial
from multiprocessing.connection import Connection
from typing import Any

from sio_client import ConnectError, SocketIoConnection, connect

MESSAGE_EVENT = "message:new"


@dataclass(frozen=True)
class WorkerConfig:
    ws_url: str
    namespace: str
    room_id: str
    run_id: str
    tokens: list[str | None]  # one per client of this worker
    total_messages: int
    connect_concurrency: int
    connect_timeout: float
    deflate: bool


def message_body(*, run_id: str, seq: int, sent_ns: int) -> str:
    """What the sender puts in front of a message body (padding may follow)."""
    return f"{run_id}|{seq}|{sent_ns}|"


def body_of(data: Any) -> str | None:
    """The body of a message:new payload, flat ({body}) or wrapped ({message: {body}})."""
    if not isinstance(data, dict):
        return None
    body = data.get("body")
    if body is None and isinstance(data.get("message"), dict):
        body = data["message"].get("body")
    return body if isinstance(body, str) else None


def ack_ok(ack: list[Any]) -> bool:
    return bool(ack) and isinstance(ack[0], dict) and ack[0].get("ok") is True


class Receivers:
    """Delivery bookkeeping for every client of this worker; record() is the hot path."""

    def __init__(self, *, clients: int, run_id: str, total_messages: int) -> None:
        self.run_id = run_id
        self.seen = [bytearray(total_messages) for _ in range(clients)]
        self.latencies_ns = array("q")
        self.delivered = 0
        self.duplicates = 0
        self.foreign = 0  # message:new from someone else, or not carrying a bench body
        self.other_events: Counter[str] = Counter()
        self.last_received_ns = 0
        self.expected = -1  # known once the sender is done
        self.all_delivered = asyncio.Event()

    def expect(self, deliveries: int) -> None:
        self.expected = deliveries
        if self.delivered >= deliveries:
            self.all_delivered.set()

    def record(self, client: int, event: str, data: Any, received_ns: int) -> None:
        if event != MESSAGE_EVENT:
            self.other_events[event] += 1
            return
        body = body_of(data)
        parts = body.split("|", 3) if body else ()
        if len(parts) < 3 or parts[0] != self.run_id:
            self.foreign += 1
            return
        seq, sent_ns = int(parts[1]), int(parts[2])
        seen = self.seen[client]
        if seen[seq]:
            self.duplicates += 1
            return
        seen[seq] = 1
        self.delivered += 1
        self.latencies_ns.append(received_ns - sent_ns)
        if received_ns > self.last_received_ns:
            self.last_received_ns = received_ns
        if self.delivered == self.expected:
            self.all_delivered.set()


class Worker:
    def __init__(self, config: WorkerConfig, pipe: Connection) -> None:
        self.config = config
        self.pipe = pipe
        self.receivers = Receivers(
            clients=len(config.tokens), run_id=config.run_id, total_messages=config.total_messages
        )
        self.connections: dict[int, SocketIoConnection] = {}
        self.connect_failures: Counter[str] = Counter()
        self.join_failures: Counter[str] = Counter()
        self.connect_ms = array("d")

    async def next_command(self) -> tuple[Any, ...]:
        command: tuple[Any, ...] = await asyncio.get_running_loop().run_in_executor(
            None, self.pipe.recv
        )
        return command

    async def connect_client(self, client: int, limit: asyncio.Semaphore) -> None:
        config = self.config
        token = config.tokens[client]
        async with limit:
            started = time.monotonic()
            try:
                connection = await connect(
                    config.ws_url,
                    on_event=partial(self.receivers.record, client),
                    auth={"token": token} if token is not None else None,
                    namespace=config.namespace,
                    deflate=config.deflate,
                    handshake_timeout=config.connect_timeout,
                )
            except ConnectError as exc:
                self.connect_failures[str(exc)[:120]] += 1
                return
            try:
                async with asyncio.timeout(config.connect_timeout):
                    ack = await connection.call("join", {"room_id": config.room_id})
            except (TimeoutError, ConnectionError) as exc:
                ack = [{"ok": False, "error": type(exc).__name__}]
            if not ack_ok(ack):
                self.join_failures[str(ack)[:120]] += 1
                connection.close()
                return
            self.connect_ms.append((time.monotonic() - started) * 1000)
            self.connections[client] = connection

    async def run(self) -> None:
        limit = asyncio.Semaphore(self.config.connect_concurrency)
        clients = range(len(self.config.tokens))
        started = time.monotonic()
        await asyncio.gather(*(self.connect_client(client, limit) for client in clients))
        # The connections live for the whole run: keep full collections from rescanning them.
        gc.freeze()
        self.pipe.send(
            (
                "ready",
                {
                    "joined": len(self.connections),
                    "connect_failures": dict(self.connect_failures),
                    "join_failures": dict(self.join_failures),
                    "connect_ms": self.connect_ms.tobytes(),
                    "connect_wall_s": time.monotonic() - started,
                },
            )
        )
        command = await self.next_command()
        assert command[0] == "go"
        cpu_start = time.process_time()
        command = await self.next_command()
        assert command[0] == "drain"
        _, sent, deadline_ns = command
        expected = sent * len(self.connections)
        receivers = self.receivers
        receivers.expect(expected)
        with contextlib.suppress(TimeoutError):
            drain_s = max(0.0, (deadline_ns - time.monotonic_ns()) / 1e9)
            await asyncio.wait_for(receivers.all_delivered.wait(), drain_s)
        self.pipe.send(
            (
                "result",
                {
                    "delivered": receivers.delivered,
                    "expected": expected,
                    "duplicates": receivers.duplicates,
                    "foreign": receivers.foreign,
                    "other_events": dict(receivers.other_events),
                    "last_received_ns": receivers.last_received_ns,
                    "latencies_ns": receivers.latencies_ns.tobytes(),
                    "disconnected": sum(c.closed.done() for c in self.connections.values()),
                    "cpu_seconds": time.process_time() - cpu_start,
                },
            )
        )
        await self.next_command()  # "close"
        for connection in self.connections.values():
            connection.close()
        closing = [connection.closed for connection in self.connections.values()]
        if closing:
            await asyncio.wait(closing, timeout=2)


def run_worker(config: WorkerConfig, pipe: Connection) -> None:
    """Process entry point (multiprocessing target)."""
    try:
        import uvloop
    except ImportError:
        asyncio.run(Worker(config, pipe).run())
    else:
        uvloop.run(Worker(config, pipe).run())
