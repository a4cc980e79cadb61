"""One load run: connect the sender and the worker processes, send, drain, measure.

Receivers live in worker processes (load_worker.py); the sender is one extra connection in this
process, so its pacing and timestamps are not disturbed by receive work.
"""

import asyncio
import math
import multiprocessing
import os
import random
import secrets
import time
from array import array
from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

import procfs
from load_worker import WorkerConfig, ack_ok, message_body, run_worker
from node_workers import NodeWorkerPool
from report import latency_summary, percentile
from sio_client import ConnectError, SocketIoConnection, connect, websocket_url


@dataclass
class LoadOptions:
    url: str
    clients: int = 100
    rate: float = 10.0
    duration: float = 30.0
    room: str = "bench-room"
    tokens: list[str] = field(default_factory=list)  # sender first; cycled over receivers
    workers: int = 2
    server_pid: int | None = None
    path: str = "/socket.io/"
    namespace: str = "/"
    body_size: int = 64
    connect_concurrency: int = 64
    connect_timeout: float = 15.0
    setup_timeout: float = 180.0
    settle: float = 1.0
    drain: float = 10.0
    deflate: bool = False
    # "raw": this folder's Python client (sio_client.py); "node": the official
    # socket.io-client under Node (node/receivers.mjs), as a browser tab runs it.
    client: str = "raw"

    def token_for(self, connection: int) -> str | None:
        """Connection 0 is the sender; receivers reuse tokens round-robin when there are few."""
        if not self.tokens:
            return None
        return self.tokens[connection % len(self.tokens)]

    def auth_for(self, connection: int) -> dict[str, str] | None:
        token = self.token_for(connection)
        return {"token": token} if token is not None else None


LETTERS = "abcdefghijklmnopqrstuvwxyz      "


class Sender:
    """The one publishing client: paces message:send and times its acks."""

    def __init__(self, connection: SocketIoConnection, options: LoadOptions, run_id: str) -> None:
        self.connection = connection
        self.options = options
        self.run_id = run_id
        self.sent = 0
        self.acks_ok = 0
        self.ack_failures: Counter[str] = Counter()
        self.ack_latencies_ns = array("q")
        self.first_send_ns = 0
        self.last_send_ns = 0

    def _record_ack(self, sent_ns: int, ack: asyncio.Future[list[Any]]) -> None:
        if ack.cancelled() or ack.exception() is not None:
            self.ack_failures["no ack (connection lost)"] += 1
            return
        self.ack_latencies_ns.append(time.monotonic_ns() - sent_ns)
        if ack_ok(ack.result()):
            self.acks_ok += 1
        else:
            self.ack_failures[str(ack.result())[:120]] += 1

    async def run(self, total_messages: int) -> None:
        longest = message_body(run_id=self.run_id, seq=total_messages, sent_ns=time.monotonic_ns())
        padding_size = max(0, self.options.body_size - len(longest))
        # Text that differs from message to message, as people's do: repeated padding would
        # make per-message deflate look better than it is.
        words = random.Random(self.run_id)
        period_ns = 1e9 / self.options.rate
        start_ns = time.monotonic_ns()
        for seq in range(total_messages):
            # Paced against the start, so a late send is followed by on-time ones, not a drift.
            wait_ns = start_ns + seq * period_ns - time.monotonic_ns()
            if wait_ns > 0:
                await asyncio.sleep(wait_ns / 1e9)
            if self.connection.closed.done():
                break
            sent_ns = time.monotonic_ns()
            padding = "".join(words.choices(LETTERS, k=padding_size))
            body = message_body(run_id=self.run_id, seq=seq, sent_ns=sent_ns) + padding
            ack = self.connection.call("message:send", {"room_id": self.options.room, "body": body})
            ack.add_done_callback(partial(self._record_ack, sent_ns))
            self.sent += 1
            self.last_send_ns = sent_ns
            if seq == 0:
                self.first_send_ns = sent_ns

    @property
    def send_rate(self) -> float | None:
        if self.sent < 2:
            return None
        return (self.sent - 1) / ((self.last_send_ns - self.first_send_ns) / 1e9)


class WorkerPool:
    """The receiver processes and the pipes that drive them (protocol in load_worker.py)."""

    def __init__(self, configs: list[WorkerConfig]) -> None:
        context = multiprocessing.get_context("spawn")
        self.processes: list[BaseProcess] = []
        self.pipes: list[Connection] = []
        for config in configs:
            parent_end, child_end = context.Pipe()
            process = context.Process(target=run_worker, args=(config, child_end), daemon=True)
            process.start()
            child_end.close()  # so a dead worker reads as EOF instead of a hang
            self.processes.append(process)
            self.pipes.append(parent_end)

    def tell(self, *command: Any) -> None:
        for pipe in self.pipes:
            pipe.send(command)

    async def replies(self, expected: str, within_s: float) -> list[dict[str, Any]]:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(within_s):
                replies = await asyncio.gather(
                    *(loop.run_in_executor(None, pipe.recv) for pipe in self.pipes)
                )
        except EOFError:
            raise SystemExit("a load worker died (its traceback is above)") from None
        except TimeoutError:
            raise SystemExit(f"load workers sent no {expected!r} within {within_s:g}s") from None
        assert all(kind == expected for kind, _ in replies), replies
        return [payload for _, payload in replies]

    async def close(self, *, graceful: bool) -> None:
        loop = asyncio.get_running_loop()
        if graceful:
            self.tell("close")
            for process in self.processes:
                await loop.run_in_executor(None, process.join, 10)
        for process in self.processes:
            if process.is_alive():
                process.terminate()
                await loop.run_in_executor(None, process.join, 5)


def planned_messages(options: LoadOptions) -> int:
    return max(1, round(options.duration * options.rate))


def _shares(items: list[Any], parts: int) -> list[list[Any]]:
    size = math.ceil(len(items) / parts)
    return [items[i : i + size] for i in range(0, len(items), size)]


async def _connect_sender(options: LoadOptions, ws_url: str) -> SocketIoConnection:
    try:
        connection = await connect(
            ws_url,
            on_event=lambda *_: None,
            auth=options.auth_for(0),
            namespace=options.namespace,
            deflate=options.deflate,
            handshake_timeout=options.connect_timeout,
        )
        joined = await asyncio.wait_for(
            connection.call("join", {"room_id": options.room}), options.connect_timeout
        )
    except (ConnectError, TimeoutError) as exc:
        raise SystemExit(f"the sender could not connect to {ws_url}: {exc}") from None
    if not ack_ok(joined):
        connection.close()
        raise SystemExit(f"the sender could not join room {options.room!r}: {joined}")
    return connection


def _start_workers(
    options: LoadOptions,
    ws_url: str,
    run_id: str,
    receiver_tokens: list[str | None],
    total_messages: int,
) -> WorkerPool | NodeWorkerPool:
    shares = _shares(receiver_tokens, options.workers)
    concurrency = max(1, options.connect_concurrency // options.workers)
    if options.client == "node":
        return NodeWorkerPool(
            [
                {
                    "url": options.url.rstrip("/") + options.namespace.rstrip("/"),
                    "path": options.path,
                    "room_id": options.room,
                    "run_id": run_id,
                    "tokens": share,
                    "total_messages": total_messages,
                    "connect_concurrency": concurrency,
                    "connect_timeout_ms": int(options.connect_timeout * 1000),
                    "deflate": options.deflate,
                }
                for share in shares
            ]
        )
    return WorkerPool(
        [
            WorkerConfig(
                ws_url=ws_url,
                namespace=options.namespace,
                room_id=options.room,
                run_id=run_id,
                tokens=share,
                total_messages=total_messages,
                connect_concurrency=concurrency,
                connect_timeout=options.connect_timeout,
                deflate=options.deflate,
            )
            for share in shares
        ]
    )


@dataclass
class Measurements:
    """What one run observed, before it is turned into the reported metrics."""

    readies: list[dict[str, Any]]
    results: list[dict[str, Any]]
    sender: Sender
    send_window_s: float
    own_cpu_s: float
    rss_before_kib: int | None
    rss_after_kib: int | None
    server_cpu_s: float | None
    machine_busy_s: float  # every process on the machine, over the send window


async def run_load(options: LoadOptions) -> dict[str, Any]:
    """Run one load test and return its metrics (see report.METRICS for the keys)."""
    ws_url = websocket_url(options.url, options.path)
    run_id = secrets.token_hex(4)
    total_messages = planned_messages(options)
    pid = options.server_pid
    rss_before = procfs.tree_rss_kib(pid) if pid else None
    sender_connection = await _connect_sender(options, ws_url)
    receiver_tokens = [options.token_for(1 + i) for i in range(options.clients)]
    pool = _start_workers(options, ws_url, run_id, receiver_tokens, total_messages)
    finished = False
    try:
        readies = await pool.replies("ready", options.setup_timeout)
        if not sum(ready["joined"] for ready in readies):
            reasons = [ready["connect_failures"] or ready["join_failures"] for ready in readies]
            raise SystemExit(f"no receiver could connect and join: {reasons}")
        await asyncio.sleep(options.settle)  # let the server finish its per-connection setup
        rss_after = procfs.tree_rss_kib(pid) if pid else None

        sender = Sender(sender_connection, options, run_id)
        server_cpu_start = procfs.tree_cpu_seconds(pid) if pid else 0.0
        machine_busy_start = procfs.machine_busy_seconds()
        own_cpu_start = time.process_time()
        go_ns = time.monotonic_ns()
        pool.tell("go")
        await sender.run(total_messages)
        send_window_s = (time.monotonic_ns() - go_ns) / 1e9
        server_cpu = procfs.tree_cpu_seconds(pid) - server_cpu_start if pid else None
        machine_busy = procfs.machine_busy_seconds() - machine_busy_start
        if server_cpu is not None and server_cpu < 0:  # the server exited mid-run
            server_cpu = None
        pool.tell("drain", sender.sent, time.monotonic_ns() + int(options.drain * 1e9))
        results = await pool.replies("result", options.drain + 30)
        own_cpu = time.process_time() - own_cpu_start
        finished = True
    finally:
        sender_connection.close()
        await pool.close(graceful=finished)
    measured = Measurements(
        readies=readies,
        results=results,
        sender=sender,
        send_window_s=send_window_s,
        own_cpu_s=own_cpu,
        rss_before_kib=rss_before,
        rss_after_kib=rss_after,
        server_cpu_s=server_cpu,
        machine_busy_s=machine_busy,
    )
    return {"url": options.url, "run_id": run_id, **summarize(options, measured)}


def _wire_bytes(results: list[dict[str, Any]], delivered: int) -> float | None:
    """Bytes the receivers read off their sockets per delivery (the Node client reports them):
    what compression saves, or not."""
    if not delivered or any("wire_bytes" not in result for result in results):
        return None
    return sum(result["wire_bytes"] for result in results) / delivered


def summarize(options: LoadOptions, measured: Measurements) -> dict[str, Any]:
    readies, results, sender = measured.readies, measured.results, measured.sender
    latencies, connect_ms = array("q"), array("d")
    connect_failures, join_failures, other_events = Counter[str](), Counter[str](), Counter[str]()
    for ready in readies:
        connect_ms.frombytes(ready["connect_ms"])
        connect_failures.update(ready["connect_failures"])
        join_failures.update(ready["join_failures"])
    for result in results:
        latencies.frombytes(result["latencies_ns"])
        other_events.update(result["other_events"])
    joined = sum(ready["joined"] for ready in readies)
    delivered = sum(result["delivered"] for result in results)
    expected = sum(result["expected"] for result in results)

    # Deliveries/s over first send -> last delivery (plus one send period, so a run that keeps
    # up scores rate x clients): a server that falls behind stretches the window and scores less.
    period_s = 1 / options.rate
    last_received_ns = max(result["last_received_ns"] for result in results)
    delivery_window_s = max(period_s, (last_received_ns - sender.first_send_ns) / 1e9 + period_s)
    active_s = max(delivery_window_s, measured.send_window_s)
    generator_cpu_s = sum(result["cpu_seconds"] for result in results) + measured.own_cpu_s
    busiest_worker_s = max(result["cpu_seconds"] for result in results)

    rss_before, rss_after, server_cpu = (
        measured.rss_before_kib,
        measured.rss_after_kib,
        measured.server_cpu_s,
    )
    # This machine is shared; CPU that neither the server nor the generator used means the run
    # competed with something else and its latencies are suspect.
    others_cpu_pct = None
    if server_cpu is not None:
        others_s = measured.machine_busy_s - server_cpu - generator_cpu_s
        others_cpu_pct = max(0.0, 100 * others_s / measured.send_window_s)
    per_connection = None
    if rss_before is not None and rss_after is not None:
        per_connection = (rss_after - rss_before) / (joined + 1)  # receivers and the sender
    return {
        "clients": options.clients,
        "rate": options.rate,
        "duration": options.duration,
        "workers": options.workers,
        "client": options.client,
        "deflate": options.deflate,
        "clients_joined": joined,
        "connect_failures": connect_failures.total(),
        "connect_failure_reasons": dict(connect_failures),
        "join_failures": join_failures.total(),
        "join_reasons": dict(join_failures),
        "connect_all_s": max(ready["connect_wall_s"] for ready in readies),
        "connect_p99_ms": percentile(sorted(connect_ms), 0.99),
        "messages_planned": planned_messages(options),
        "messages_sent": sender.sent,
        "send_rate": sender.send_rate,
        "acks_ok": sender.acks_ok,
        "acks_failed": sender.sent - sender.acks_ok,
        "ack_failure_reasons": dict(sender.ack_failures),
        **latency_summary("ack", sender.ack_latencies_ns),
        "deliveries_expected_per_s": joined * options.rate,
        "deliveries_per_s": delivered / delivery_window_s,
        "deliveries_expected": expected,
        "deliveries": delivered,
        "lost": expected - delivered,
        "duplicates": sum(result["duplicates"] for result in results),
        "foreign": sum(result["foreign"] for result in results),
        "other_events": dict(other_events),
        "other_events_total": other_events.total(),
        **latency_summary("latency", latencies),
        "disconnected": sum(result["disconnected"] for result in results),
        "server_rss_before_mib": rss_before / 1024 if rss_before is not None else None,
        "server_rss_after_mib": rss_after / 1024 if rss_after is not None else None,
        "server_kib_per_connection": per_connection,
        "server_cpu_pct": 100 * server_cpu / measured.send_window_s if server_cpu else None,
        "server_us_per_delivery": 1e6 * server_cpu / delivered
        if server_cpu and delivered
        else None,
        "wire_bytes_per_delivery": _wire_bytes(results, delivered),
        "generator_cpu_pct": 100 * generator_cpu_s / active_s,
        "generator_busiest_worker_pct": 100 * busiest_worker_s / active_s,
        "machine_cpu_pct": 100 * measured.machine_busy_s / measured.send_window_s,
        "others_cpu_pct": others_cpu_pct,
        "cores": os.cpu_count(),
    }
