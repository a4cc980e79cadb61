"""What the projects' `bench/` scripts share: a server in its own process, `wrk` against it,
the server's CPU read from /proc, and medians of rounds that alternate the servers.

One process per server and `wrk` beside it on the same machine: the figures are noisy, and
only ratios measured in the same run, with the servers taking turns, mean anything.
Linux only (/proc); `wrk` is Debian's package.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from backend_shared.testing.live import free_port

_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

__all__ = [
    "Measurement",
    "Server",
    "WrkResult",
    "free_port",
    "http_json",
    "median_of",
    "require_wrk",
    "run_wrk",
]


def require_wrk() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise SystemExit(
            "this benchmark drives Debian's wrk; install it with `sudo apt-get install -y wrk`"
        )
    return path


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU of a process, all its threads included."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS


def machine_busy_seconds() -> float:
    """CPU time all cores spent not idle since boot (/proc/stat): how busy the machine was."""
    values = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, values)
    return (user + nice + system + irq + softirq + steal) / _CLOCK_TICKS


def http_json(
    method: str,
    url: str,
    body: Any = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = 30.0,
) -> tuple[int, Any]:
    """One JSON request with the standard library: (status, parsed body or None)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)  # noqa: S310 - loopback
    request.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            raw = response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        raw, status = exc.read(), exc.code
    return status, json.loads(raw) if raw else None


@dataclass
class Server:
    """A server in its own process (`command`), started and stopped around a `with`; it is
    ready when `ready_path` answers 200. Its output goes to `log_path`."""

    name: str
    command: Sequence[str]
    port: int
    env: Mapping[str, str] = field(default_factory=dict)
    cwd: Path | None = None
    ready_path: str = "/health"
    log_path: Path | None = None
    startup_timeout: float = 60.0
    _process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self._process is not None, "the server is not running"
        return self._process.pid

    def cpu_seconds(self) -> float:
        return process_cpu_seconds(self.pid)

    def __enter__(self) -> Server:
        log = open(self.log_path, "wb") if self.log_path else subprocess.DEVNULL
        self._process = subprocess.Popen(
            list(self.command),
            cwd=self.cwd,
            env={**os.environ, **self.env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + self.startup_timeout
        while True:
            if self._process.poll() is not None:
                raise SystemExit(f"{self.name} exited at start-up; see {self.log_path}")
            try:
                status, _ = http_json("GET", self.url + self.ready_path, timeout=2)
                if status == 200:
                    return self
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.__exit__(None, None, None)
                raise SystemExit(f"{self.name} did not answer within {self.startup_timeout} s")
            time.sleep(0.2)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._process is None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process = None


@dataclass(frozen=True)
class WrkResult:
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    failures: int  # non-2xx/3xx responses, connect, read and write errors
    timeouts: int  # requests wrk gave up on (--timeout)


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _latency_ms(text: str, percentile: str) -> float:
    match = re.search(rf"^\s*{percentile}%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.MULTILINE)
    return float(match.group(1)) * _UNITS_MS[match.group(2)] if match else float("nan")


def run_wrk(
    url: str,
    *,
    seconds: float,
    connections: int = 32,
    threads: int = 2,
    headers: Mapping[str, str] | None = None,
    script: Path | None = None,
) -> WrkResult:
    command = [
        require_wrk(),
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--latency",
        "--timeout",
        "10s",
    ]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    if script is not None:
        command += ["-s", str(script)]
    command.append(url)
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    summary = re.search(r"(\d+) requests in ([\d.]+)(ms|s|m)", output)
    if summary is None:
        raise RuntimeError(f"could not read wrk's output:\n{output}")
    requests = int(summary.group(1))
    elapsed = float(summary.group(2)) * _UNITS_MS[summary.group(3)] / 1000
    failures = 0
    if non_2xx := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        failures += int(non_2xx.group(1))
    timeouts = 0
    if errors := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    ):
        failures += sum(int(value) for value in errors.groups()[:3])
        timeouts = int(errors.group(4))
    return WrkResult(
        requests=requests,
        seconds=elapsed,
        rps=requests / elapsed if elapsed else 0.0,
        p50_ms=_latency_ms(output, "50"),
        p99_ms=_latency_ms(output, "99"),
        failures=failures,
        timeouts=timeouts,
    )


@dataclass(frozen=True)
class Measurement:
    """One wrk run against one server, with the server's CPU over the same interval."""

    wrk: WrkResult
    cpu_ms_per_request: float
    extra: Mapping[str, float] = field(default_factory=dict)

    @classmethod
    def take(
        cls,
        server: Server,
        path: str,
        *,
        seconds: float,
        connections: int = 32,
        headers: Mapping[str, str] | None = None,
        script: Path | None = None,
    ) -> Measurement:
        cpu_before = server.cpu_seconds()
        result = run_wrk(
            server.url + path,
            seconds=seconds,
            connections=connections,
            headers=headers,
            script=script,
        )
        cpu = server.cpu_seconds() - cpu_before
        if result.failures:
            raise SystemExit(f"{server.name} {path}: {result.failures} failed responses")
        per_request = cpu * 1000 / result.requests if result.requests else float("nan")
        return cls(wrk=result, cpu_ms_per_request=per_request)


def median_of(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")
