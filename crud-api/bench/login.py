"""crud-api's log-in bench: what one Argon2id verify costs, and whether `/health` stays fast
while log-ins keep every core busy.

    uv run --frozen python crud-api/bench/login.py
    uv run --frozen python crud-api/bench/login.py --baseline /tmp/before   # and the old code

1. In this process, one thread: the median time of a hash and of a verify, with the
   parameters `backend_shared.auth.passwords` uses and with the earlier defaults
   (argon2-cffi's: 64 MiB, 3 passes, 4 lanes).
2. Against the server (`serve.py`, one process): wrk sends correct log-ins
   (`POST /auth/login`, 16 connections) and, at the same time, `GET /health` (4 connections);
   the table shows log-ins per second and `/health`'s latency while that goes on, and
   `/health` alone for comparison. Rounds alternate the servers; medians are shown.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from pwdlib.hashers.argon2 import Argon2Hasher

from backend_shared.auth import passwords
from backend_shared.testing.loadtest import (
    Server,
    WrkResult,
    free_port,
    http_json,
    median_of,
    require_wrk,
    run_wrk,
)

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"
SECRET = "bench-only-secret-bench-only-secret-0123456789"  # noqa: S105 - a local bench's key
EMAIL, PASSWORD = "login-bench@example.com", "correct-horse-battery-staple"


def _time_hasher(label: str, hasher: Argon2Hasher, rounds: int) -> None:
    hashed = hasher.hash(PASSWORD)
    verifies, cpu = [], []
    for _ in range(rounds):
        began, began_cpu = time.perf_counter(), time.process_time()
        assert hasher.verify(PASSWORD, hashed)
        cpu.append(time.process_time() - began_cpu)
        verifies.append(time.perf_counter() - began)
    # CPU time (all of this process's threads: argon2 runs one per lane) is what a verify
    # costs the machine; on a busy machine the wall time is longer.
    cpu_ms, wall_ms = statistics.median(cpu) * 1000, statistics.median(verifies) * 1000
    print(
        f"{label:<34} {hashed.split('$')[3]:<17} verify: "
        f"{cpu_ms:6.1f} ms CPU, {wall_ms:6.1f} ms wall"
    )


def _login_script(directory: Path) -> Path:
    script = directory / "login.lua"
    body = json.dumps({"email": EMAIL, "password": PASSWORD})
    script.write_text(
        'wrk.method = "POST"\n'
        f"wrk.body = {json.dumps(body)}\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
    )
    return script


def _under_login_load(server: Server, script: Path, seconds: float) -> tuple[WrkResult, WrkResult]:
    logins: list[WrkResult] = []

    def log_in() -> None:
        logins.append(
            run_wrk(server.url + "/auth/login", seconds=seconds, connections=16, script=script)
        )

    thread = threading.Thread(target=log_in)
    thread.start()
    time.sleep(1)  # let the log-ins fill the hashing threads first
    health = run_wrk(server.url + "/health", seconds=seconds - 2, connections=4, threads=1)
    thread.join()
    return logins[0], health


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--baseline", type=Path, help="a checkout to measure beside this one")
    args = parser.parse_args()
    require_wrk()
    if args.baseline and not (args.baseline / "crud-api/src/crud_api").is_dir():
        raise SystemExit(f"--baseline {args.baseline}: no crud-api/src/crud_api there")
    RESULTS.mkdir(exist_ok=True)

    print(f"one thread, median of 10; hashing threads in the server: {passwords.HASHING_THREADS}")
    _time_hasher(
        "Argon2id as configured (OWASP)",
        Argon2Hasher(
            time_cost=passwords.ARGON2_TIME_COST,
            memory_cost=passwords.ARGON2_MEMORY_KIB,
            parallelism=passwords.ARGON2_PARALLELISM,
        ),
        10,
    )
    _time_hasher("Argon2id, the earlier defaults", Argon2Hasher(), 10)
    print()

    # Correct log-ins only; the guess budgets are raised so that 16 at once are never refused
    # while their guesses are counted and not yet given back.
    env = {
        "APP_ENV": "test",
        "JWT_SECRET": SECRET,
        "LOG_LEVEL": "INFO",
        "LOGIN_MAX_FAILURES": "100000",
        "LOGIN_ACCOUNT_MAX_FAILURES": "100000",
        "LOGIN_ADDRESS_MAX_FAILURES": "100000",
    }
    python = sys.executable
    checkouts = {"crud-api": None, **({"crud-api before": args.baseline} if args.baseline else {})}
    servers = []
    for name, checkout in checkouts.items():
        extra = {"PYTHONPATH": f"{checkout}/crud-api/src:{checkout}/shared/src"} if checkout else {}
        servers.append(
            Server(
                name,
                [python, str(BENCH / "serve.py"), "--port", str(port := free_port())],
                port,
                env={**env, **extra},
                log_path=RESULTS / f"{name.replace(' ', '-')}-login.log",
            )
        )
    results: dict[str, list[tuple[WrkResult, WrkResult, WrkResult]]] = {s.name: [] for s in servers}
    with tempfile.TemporaryDirectory() as directory:
        script = _login_script(Path(directory))
        for server in servers:
            server.__enter__()
        try:
            for server in servers:
                status, _ = http_json(
                    "POST", server.url + "/auth/signup", {"email": EMAIL, "password": PASSWORD}
                )
                assert status == 201, status
                run_wrk(server.url + "/health", seconds=2, connections=4, threads=1)
            for round_number in range(args.rounds):
                order = servers if round_number % 2 == 0 else servers[::-1]
                for server in order:
                    quiet = run_wrk(server.url + "/health", seconds=3, connections=4, threads=1)
                    logins, health = _under_login_load(server, script, args.seconds)
                    results[server.name].append((logins, health, quiet))
                    print(
                        f"round {round_number + 1}: {server.name:<16} {logins.rps:6.1f} log-ins/s"
                        f" (p99 {logins.p99_ms:6.0f} ms, {logins.failures} failed)   /health "
                        f"p99 {health.p99_ms:6.1f} ms under load, {quiet.p99_ms:5.1f} ms alone",
                        flush=True,
                    )
        finally:
            for server in servers:
                server.__exit__(None, None, None)

    print()
    print(f"medians of {args.rounds} rounds; log-ins with wrk -c16, /health with wrk -c4 beside")
    print(
        f"{'server':<16} {'log-ins/s':>9} {'log-in p99 ms':>14} {'/health p99 ms':>15} "
        f"{'/health req/s':>14} {'alone: p99 ms':>14}"
    )
    for name, rows in results.items():
        print(
            f"{name:<16} {median_of([r[0].rps for r in rows]):9.1f} "
            f"{median_of([r[0].p99_ms for r in rows]):14.0f} "
            f"{median_of([r[1].p99_ms for r in rows]):15.1f} "
            f"{median_of([r[1].rps for r in rows]):14.0f} "
            f"{median_of([r[2].p99_ms for r in rows]):14.1f}"
        )
    if any(r[0].failures for rows in results.values() for r in rows):
        print("some log-ins failed (non-2xx): see bench/results/*-login.log")


if __name__ == "__main__":
    main()
