"""The whole shop as processes on this machine, for the end-to-end tests and the
benchmarks: the five services as real uvicorn processes that a test can kill, pause and
restart, with an SMTP server and an OTLP trace collector in the calling process (so the
caller reads what arrived). The Valkey is the caller's."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
from cryptography.hazmat.primitives.asymmetric import ed25519
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)

from backend_shared.auth.keys import private_pem
from shop_platform.devservers import free_port
from shop_platform.testing import Mailbox

DEADLINE = 30.0  # seconds for anything eventual (an email, a state change) to happen
SERVICES = ("identity", "catalog", "orders", "notifier", "gateway")
ADMIN_EMAIL = "admin@example.com"
ADMIN_PASSWORD = "admin-password-1"  # noqa: S105 - the development admin of run.env


def wait_until(check: Callable[[], Any], *, what: str, deadline: float = DEADLINE) -> Any:
    """Poll `check` until it returns something truthy; fail after `deadline` seconds."""
    end = time.monotonic() + deadline
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > end:
            raise AssertionError(f"timed out after {deadline:g} s waiting for {what}")
        time.sleep(0.05)


@dataclass
class Span:
    service: str
    name: str
    trace_id: str


class TraceCollector:
    """An OTLP/HTTP endpoint (protobuf) that keeps every span the services export."""

    def __init__(self) -> None:
        self.spans: list[Span] = []
        self._lock = threading.Lock()
        collector = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                collector._receive(ExportTraceServiceRequest.FromString(body))
                reply = ExportTraceServiceResponse().SerializeToString()
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/v1/traces"

    def _receive(self, request: ExportTraceServiceRequest) -> None:
        spans = []
        for resource_spans in request.resource_spans:
            attributes = {a.key: a.value.string_value for a in resource_spans.resource.attributes}
            service = attributes.get("service.name", "?")
            for scope in resource_spans.scope_spans:
                spans += [Span(service, s.name, s.trace_id.hex()) for s in scope.spans]
        with self._lock:
            self.spans += spans

    def services_in(self, trace_id: str) -> set[str]:
        with self._lock:
            return {span.service for span in self.spans if span.trace_id == trace_id}

    def start(self) -> None:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self._server.shutdown()


@dataclass
class Service:
    name: str
    port: int
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            f"{self.name}.main:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--log-level",
            "warning",
        ]
        with self.log_path.open("ab") as log:  # the child keeps its own copy of the file
            self.process = subprocess.Popen(command, env=self.env, stdout=log, stderr=log)  # noqa: S603
        wait_until(self._answers, what=f"{self.name} to start", deadline=60)

    def _answers(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            raise AssertionError(f"{self.name} exited:\n{self.log_tail()}")
        try:
            return httpx.get(f"{self.url}/health", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, as when a machine dies."""
        assert self.process is not None
        self.process.kill()
        self.process.wait()

    def pause(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


@dataclass
class Shop:
    redis_url: str
    workdir: Path
    mailbox: Mailbox = field(default_factory=Mailbox)
    traces: TraceCollector = field(default_factory=TraceCollector)
    services: dict[str, Service] = field(default_factory=dict)
    signing_key: Any = field(default_factory=ed25519.Ed25519PrivateKey.generate)
    # Off for benchmarks: exporting spans costs what is being measured.
    tracing: bool = True
    # Test checkpoints cost a Redis round trip at each; off for benchmarks too.
    checkpoints: bool = True

    @property
    def gateway(self) -> str:
        return self.services["gateway"].url

    def url(self, service: str) -> str:
        return self.services[service].url

    def environment(self, ports: dict[str, int]) -> dict[str, dict[str, str]]:
        base = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("MONGODB_", "JWT_", "APP_", "OTEL_", "SMTP_"))
        }
        urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
        common = {
            **base,
            "APP_ENV": "test",
            "LOG_LEVEL": "WARNING",
            "REDIS_URL": self.redis_url,
            "JWT_ALGORITHM": "EdDSA",
            "JWT_JWKS_URL": f"{urls['identity']}/.well-known/jwks.json",
            "STREAM_CLAIM_IDLE_MS": "1500",
            "STREAM_MAX_DELIVERIES": "3",
            "STREAM_BLOCK_MS": "200",
            "OUTBOX_POLL_SECONDS": "0.5",
            "TEST_CHECKPOINTS": "true" if self.checkpoints else "false",
            "OTEL_EXPORTER": "otlp" if self.tracing else "none",
            "OTEL_EXPORTER_OTLP_ENDPOINT": self.traces.url,
            "OTEL_BSP_SCHEDULE_DELAY": "100",
        }
        if os.environ.get("MONGODB_URL"):
            common["MONGODB_URL"] = os.environ["MONGODB_URL"]
        run = self.workdir.name
        env = {}
        for name in SERVICES:
            env[name] = {
                **common,
                "MONGODB_DB": f"{name}_{run}",
                "EMBEDDED_DATA_DIR": str(self.workdir / "data" / name),
            }
        env["identity"].update(
            JWT_PRIVATE_KEY=private_pem(self.signing_key),
            ADMIN_EMAIL=ADMIN_EMAIL,
            ADMIN_PASSWORD=ADMIN_PASSWORD,
            TRUSTED_PROXIES="127.0.0.1",  # the gateway: its X-Forwarded-For names the client
        )
        env["orders"].update(
            CATALOG_URL=urls["catalog"],
            CATALOG_TIMEOUT_SECONDS="1",
            CATALOG_RETRIES="1",
            CATALOG_BREAKER_FAILURES="3",
            CATALOG_BREAKER_OPEN_SECONDS="2",
        )
        env["notifier"].update(
            SMTP_URL=f"smtp://127.0.0.1:{self.mailbox.port}", SMTP_BACKOFF_SECONDS="0.05"
        )
        env["gateway"].update(
            {f"{name.upper()}_URL": urls[name] for name in SERVICES if name != "gateway"},
            RATE_LIMIT_PER_MINUTE="100000",
            CHECKOUT_TIMEOUT_SECONDS="15",
        )
        return env

    def start(self) -> None:
        self.mailbox.start()
        self.traces.start()
        ports = {name: free_port() for name in SERVICES}
        env = self.environment(ports)
        for name in SERVICES:
            self.services[name] = Service(
                name, ports[name], env[name], self.workdir / f"{name}.log"
            )
            self.services[name].start()

    def restart(self, name: str) -> None:
        self.services[name].stop()
        self.services[name].start()

    def stop(self) -> None:
        for service in reversed(list(self.services.values())):
            service.stop()
        self.mailbox.stop()
        self.traces.stop()
