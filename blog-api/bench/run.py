"""blog-api's bench: the article list, anonymous (a cache HIT) and signed in (uncached),
against bare FastAPI serving the same bytes from memory, in the same run.

    uv run --frozen python blog-api/bench/run.py                 # about 3 minutes
    uv run --frozen python blog-api/bench/run.py --baseline /tmp/before

blog-api runs as `make run` serves it (one uvicorn process, the embedded engine, an embedded
Valkey for the cache, logs on); 20 articles by one author, each with two tags. Cases, each
`GET /api/articles?limit=20` with wrk (2 threads, 32 connections):

- anonymous: every request after the first is a cache HIT (checked: `X-Cache: HIT`);
- signed in: `Authorization: Token ...`, never cached: the database, the author profiles
  and the favourites per request;
- bare FastAPI returning the HIT's bytes (`bare.py`).

`--baseline DIR` adds blog-api served from another checkout's `blog-api/src` and
`shared/src`. Rounds rotate the cases; the tables show medians. CPU is the server
process's (from /proc): Valkey runs in its own process and is not counted.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from backend_shared.testing.loadtest import (
    Measurement,
    Server,
    free_port,
    http_json,
    machine_busy_seconds,
    median_of,
    require_wrk,
)

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"
SECRET = "bench-only-secret-bench-only-secret-0123456789"  # noqa: S105 - a local bench's key
LIST = "/api/articles?limit=20"


@dataclass(frozen=True)
class Case:
    name: str
    server: str
    signed_in: bool = False


def _seed(server: Server) -> str:
    user = {"username": "bench", "email": "bench@example.com", "password": "correct-horse-staple"}
    status, body = http_json("POST", server.url + "/api/users", {"user": user})
    assert status == 201, (status, body)
    token: str = body["user"]["token"]
    auth = {"Authorization": f"Token {token}"}
    for n in range(20):
        article = {
            "title": f"How to train your dragon, part {n}",
            "description": "Ever wonder how?",
            "body": "It takes a Jacobian. " * 40,
            "tagList": ["dragons", f"training-{n % 4}"],
        }
        status, _ = http_json("POST", server.url + "/api/articles", {"article": article}, auth)
        assert status == 201, status
    return token


def _hit_body(server: Server) -> bytes:
    import urllib.request

    for _ in range(2):
        with urllib.request.urlopen(server.url + LIST) as response:  # noqa: S310 - loopback
            body: bytes = response.read()
            cache = response.headers["X-Cache"]
    if cache != "HIT":
        raise SystemExit(f"{server.name}: the second anonymous read was {cache}, not a HIT")
    return body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--baseline", type=Path, help="a checkout to measure beside this one")
    args = parser.parse_args()
    require_wrk()
    if args.baseline and not (args.baseline / "blog-api/src/blog_api").is_dir():
        raise SystemExit(f"--baseline {args.baseline}: no blog-api/src/blog_api there")
    RESULTS.mkdir(exist_ok=True)
    python = sys.executable
    env = {"APP_ENV": "test", "JWT_SECRET": SECRET, "LOG_LEVEL": "INFO"}
    command = ["-m", "uvicorn", "blog_api.main:create_app", "--factory", "--log-level", "warning"]
    checkouts = {"blog-api": None, **({"blog-api before": args.baseline} if args.baseline else {})}
    cases = [
        Case("bare FastAPI, same bytes", "bare"),
        *(Case(f"{name} anonymous (HIT)", name) for name in checkouts),
        *(Case(f"{name} signed in", name, signed_in=True) for name in checkouts),
    ]
    with ExitStack() as stack:
        servers: dict[str, Server] = {}
        tokens: dict[str, str] = {}
        for name, checkout in checkouts.items():
            extra = (
                {"PYTHONPATH": f"{checkout}/blog-api/src:{checkout}/shared/src"} if checkout else {}
            )
            port = free_port()
            server = Server(
                name,
                [python, *command, "--port", str(port)],
                port,
                env={**env, **extra},
                ready_path="/health",
                log_path=RESULTS / f"{name.replace(' ', '-')}.log",
            )
            servers[name] = stack.enter_context(server)
            tokens[name] = _seed(server)
        body = _hit_body(servers["blog-api"])
        (RESULTS / "hit.json").write_bytes(body)
        port = free_port()
        servers["bare"] = stack.enter_context(
            Server(
                "bare",
                [
                    python,
                    str(BENCH / "bare.py"),
                    "--port",
                    str(port),
                    "--body",
                    str(RESULTS / "hit.json"),
                ],
                port,
                log_path=RESULTS / "bare.log",
            )
        )
        print(f"list: 20 articles, {len(body)} bytes")
        for name in checkouts:
            _hit_body(servers[name])

        def headers(case: Case) -> dict[str, str] | None:
            return {"Authorization": f"Token {tokens[case.server]}"} if case.signed_in else None

        for case in cases:  # warm-up
            Measurement.take(servers[case.server], LIST, seconds=2, headers=headers(case))
        results: dict[str, list[Measurement]] = defaultdict(list)
        busy_began, wall_began = machine_busy_seconds(), time.monotonic()
        for round_number in range(args.rounds):
            shift = round_number % len(cases)
            for case in cases[shift:] + cases[:shift]:
                measured = Measurement.take(
                    servers[case.server], LIST, seconds=args.seconds, headers=headers(case)
                )
                results[case.name].append(measured)
                print(
                    f"round {round_number + 1}: {case.name:<32} {measured.wrk.rps:8.0f} req/s  "
                    f"p99 {measured.wrk.p99_ms:6.1f} ms  "
                    f"cpu {measured.cpu_ms_per_request:.3f} ms/req",
                    flush=True,
                )
        busy = (machine_busy_seconds() - busy_began) / (time.monotonic() - wall_began)

    print(f"\nmachine busy: {busy:.2f} of 2 cores on average while measuring")
    print(f"medians of {args.rounds} rounds, {args.seconds:.0f} s each, wrk -c32")
    print(f"{'case':<32} {'req/s':>8} {'p99 ms':>7} {'CPU ms/req':>11}")
    rows = []
    for case in cases:
        runs = results[case.name]
        row = {
            "case": case.name,
            "rps": median_of([m.wrk.rps for m in runs]),
            "p99_ms": median_of([m.wrk.p99_ms for m in runs]),
            "cpu_ms": median_of([m.cpu_ms_per_request for m in runs]),
        }
        rows.append(row)
        print(f"{case.name:<32} {row['rps']:8.0f} {row['p99_ms']:7.1f} {row['cpu_ms']:11.3f}")
    print()
    bare = results["bare FastAPI, same bytes"]
    for name in checkouts:
        hits = results[f"{name} anonymous (HIT)"]
        ratio = median_of([h.wrk.rps / b.wrk.rps for h, b in zip(hits, bare, strict=False)])
        print(f"{name}: HIT req/s vs bare FastAPI (target >= 0.5){'':<8} {ratio:6.2f}")
        signed = median_of([m.cpu_ms_per_request for m in results[f"{name} signed in"]])
        print(f"{name}: signed-in list, server CPU ms (target <= 3){'':<6} {signed:6.2f}")
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"articles-{stamp}.json").write_text(
        json.dumps({"rows": rows, "args": vars(args)}, indent=2, default=str)
    )


if __name__ == "__main__":
    main()
