"""crud-api's bench: `GET /tasks` and `/health` against bare FastAPI and Express, same run.

    uv run --frozen python crud-api/bench/run.py            # about 5 minutes
    uv run --frozen python crud-api/bench/run.py --rounds 2 --seconds 5

Three servers, one process each, on this machine beside `wrk` (2 threads, 32 connections):

- **crud-api** (`serve.py`): the real app on the embedded engine; the caller has 20 tasks
  (created through `POST /tasks`) and 500 other users own `--others` tasks (50,000) in the
  same collection. Measured twice for `/tasks`: as it is, and with the per-request session
  check (one `find_one` of the account) swapped for an account read from the token.
- **bare FastAPI** (`bare.py`): PyJWT and the same page from memory.
- **Express 5** (`express/server.js`): jsonwebtoken and NeDB, doing the same work per
  request. `npm ci` runs in `express/` on first use.

`--baseline DIR` adds a fourth server: crud-api served from another checkout's `crud-api/src`
and `shared/src` (e.g. `git worktree add /tmp/before <commit>`), seeded the same way, so a
change is measured against the code before it in the same run.

Every round runs each case once, in a rotated order, so that the noise of a shared machine
falls on all of them alike; the tables show medians. For each run the server's CPU (from
/proc) is divided by the requests served; for crud-api the database's share (CPU inside the
embedded engine's operations) is split off, leaving what the app spends around it.
Results are also written to `bench/results/` as JSON.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from contextlib import nullcontext
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
ISSUER, AUDIENCE = "backend-monorepo", "crud-api"
EMAIL, PASSWORD = "bench@example.com", "correct-horse-battery-staple"


@dataclass(frozen=True)
class Case:
    name: str
    server: str
    path: str
    authorized: bool = False
    session_check: bool = True


BASELINE_CASES = [
    Case("crud-api before /tasks", "before", "/tasks", authorized=True),
    Case("crud-api before /health", "before", "/health"),
]
CASES = [
    Case("crud-api /tasks", "crud-api", "/tasks", authorized=True),
    Case("crud-api /tasks, no session check", "crud-api", "/tasks", True, session_check=False),
    Case("bare FastAPI /tasks", "bare", "/tasks", authorized=True),
    Case("Express /tasks", "express", "/tasks", authorized=True),
    Case("crud-api /health", "crud-api", "/health"),
    Case("bare FastAPI /health", "bare", "/health"),
    Case("Express /health", "express", "/health"),
]


def _express_ready() -> None:
    if not (BENCH / "express" / "node_modules").is_dir():
        npm = shutil.which("npm")
        if npm is None:
            raise SystemExit("the Express reference needs Node.js and npm")
        print("npm ci in bench/express ...", flush=True)
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=BENCH / "express", check=True)


def _seed(crud: Server, others: int) -> tuple[str, dict[str, object]]:
    """The bench user, signed in, with 20 tasks; then everyone else's. Returns the token and
    the page crud-api serves for it (the other servers serve the same)."""
    status, _ = http_json("POST", crud.url + "/auth/signup", {"email": EMAIL, "password": PASSWORD})
    assert status == 201, status
    status, tokens = http_json(
        "POST", crud.url + "/auth/login", {"email": EMAIL, "password": PASSWORD}
    )
    assert status == 200, (status, tokens)
    token = tokens["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    priorities, statuses = ["low", "medium", "high"], ["todo", "in_progress", "done"]
    for n in range(20):
        task = {
            "title": f"Task number {n}: write the quarterly report",
            "description": "Two pages, with charts and a summary for the team" * (n % 3),
            "priority": priorities[n % 3],
            "status": statuses[n % 3],
            "tags": ["work", f"q{n % 4 + 1}"][: n % 3],
            "due_date": None if n % 2 else f"2026-12-{n + 1:02d}T17:00:00Z",
        }
        status, _ = http_json("POST", crud.url + "/tasks", task, auth)
        assert status == 201, status
    status, _ = http_json("POST", crud.url + "/__bench/seed", {"others": others})
    assert status == 200, status
    status, page = http_json("GET", crud.url + "/tasks", headers=auth)
    assert status == 200, status
    assert len(page["items"]) == 20, page
    return token, page


def _same_page(name: str, server: Server, token: str, page: dict[str, object]) -> None:
    status, got = http_json(
        "GET", server.url + "/tasks", headers={"Authorization": f"Bearer {token}"}
    )
    if status != 200 or got != page:
        raise SystemExit(f"{name} does not serve the same page as crud-api ({status})")


def _set_session_check(crud: Server, on: bool) -> None:
    status, _ = http_json("PUT", crud.url + "/__bench/session-check", {"on": on})
    assert status == 200, status


def _database_seconds(crud: Server) -> tuple[float, int]:
    _, clock = http_json("GET", crud.url + "/__bench/db")
    return float(clock["seconds"]), int(clock["operations"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=8.0, help="per wrk run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--others", type=int, default=50_000)
    parser.add_argument("--only", nargs="+", help="case names containing any of these words")
    parser.add_argument("--baseline", type=Path, help="a checkout to measure beside this one")
    args = parser.parse_args()
    require_wrk()
    if args.baseline and not (args.baseline / "crud-api/src/crud_api").is_dir():
        raise SystemExit(f"--baseline {args.baseline}: no crud-api/src/crud_api there")
    _express_ready()
    RESULTS.mkdir(exist_ok=True)
    cases = [*CASES, *(BASELINE_CASES if args.baseline else [])]
    cases = [c for c in cases if not args.only or any(w in c.name for w in args.only)]

    env = {
        "APP_ENV": "test",
        "JWT_SECRET": SECRET,
        "JWT_ISSUER": ISSUER,
        "LOG_LEVEL": "INFO",
        "LOGIN_MAX_FAILURES": "1000",
    }
    python = sys.executable
    crud = Server(
        "crud-api",
        [python, str(BENCH / "serve.py"), "--port", str(port := free_port())],
        port,
        env=env,
        log_path=RESULTS / "crud-api.log",
    )
    before = (
        Server(
            "before",
            [python, str(BENCH / "serve.py"), "--port", str(port := free_port())],
            port,
            env={**env, "PYTHONPATH": f"{args.baseline}/crud-api/src:{args.baseline}/shared/src"},
            log_path=RESULTS / "crud-api-before.log",
        )
        if args.baseline
        else None
    )
    with crud, before or nullcontext():
        token, page = _seed(crud, args.others)
        tokens = {"crud-api": token}
        if before is not None:
            tokens["before"], _ = _seed(before, args.others)
        pages_file = RESULTS / "pages.json"
        sub = _token_subject(token)
        pages_file.write_text(json.dumps({sub: page}))
        bare = Server(
            "bare",
            [
                python,
                str(BENCH / "bare.py"),
                "--port",
                str(port := free_port()),
                "--pages",
                str(pages_file),
            ],
            port,
            env={**env, "JWT_AUDIENCE": AUDIENCE},
            log_path=RESULTS / "bare.log",
        )
        express = Server(
            "express",
            ["node", "server.js"],
            port := free_port(),
            env={
                **env,
                "PORT": str(port),
                "PAGES": str(pages_file),
                "OTHERS": str(args.others),
                "JWT_AUDIENCE": AUDIENCE,
            },
            cwd=BENCH / "express",
            log_path=RESULTS / "express.log",
        )
        with bare, express:
            servers = {"crud-api": crud, "bare": bare, "express": express}
            if before is not None:
                servers["before"] = before
            for name in ("bare", "express"):
                _same_page(name, servers[name], token, page)
            body_bytes = len(json.dumps(page, separators=(",", ":")))
            print(f"page: 20 tasks, {body_bytes} bytes; others' tasks: {args.others}")
            results = _measure(args, cases, servers, tokens)
    _report(args, cases, results)


def _token_subject(token: str) -> str:
    import jwt

    subject: str = jwt.decode(token, options={"verify_signature": False})["sub"]
    return subject


Results = dict[str, list[Measurement]]


def _measure(
    args: argparse.Namespace, cases: list[Case], servers: dict[str, Server], tokens: dict[str, str]
) -> Results:
    crud = servers["crud-api"]

    def headers(case: Case) -> dict[str, str] | None:
        token = tokens.get(case.server, tokens["crud-api"])
        return {"Authorization": f"Bearer {token}"} if case.authorized else None

    # Warm-up: every server, every path, once, unmeasured.
    for case in cases:
        _set_session_check(crud, case.session_check)
        Measurement.take(servers[case.server], case.path, seconds=2, headers=headers(case))
    results: Results = defaultdict(list)
    busy_began, wall_began = machine_busy_seconds(), time.monotonic()
    for round_number in range(args.rounds):
        shift = round_number % len(cases)
        for case in cases[shift:] + cases[:shift]:
            server = servers[case.server]
            timed = case.server in ("crud-api", "before")
            if case.server == "crud-api":
                _set_session_check(crud, case.session_check)
            if timed:
                db_before = _database_seconds(server)
            measured = Measurement.take(
                server,
                case.path,
                seconds=args.seconds,
                connections=args.connections,
                headers=headers(case),
            )
            if timed:
                db_after = _database_seconds(server)
                db_ms = (db_after[0] - db_before[0]) * 1000 / measured.wrk.requests
                operations = (db_after[1] - db_before[1]) / measured.wrk.requests
                measured = Measurement(
                    measured.wrk,
                    measured.cpu_ms_per_request,
                    {"db_ms": db_ms, "db_ops": operations},
                )
            results[case.name].append(measured)
            print(
                f"round {round_number + 1}: {case.name:<36} {measured.wrk.rps:8.0f} req/s  "
                f"p99 {measured.wrk.p99_ms:6.1f} ms  cpu {measured.cpu_ms_per_request:.3f} ms/req",
                flush=True,
            )
    _set_session_check(crud, True)
    busy = (machine_busy_seconds() - busy_began) / (time.monotonic() - wall_began)
    print(f"machine busy: {busy:.2f} of 2 cores on average while measuring")
    return results


def _report(args: argparse.Namespace, cases: list[Case], results: Results) -> None:
    def med(name: str, value: Callable[[Measurement], float]) -> float:
        return median_of([value(m) for m in results.get(name, [])])

    rows = []
    print()
    print(f"medians of {args.rounds} rounds, {args.seconds:.0f} s each, wrk -c{args.connections}")
    print(
        f"{'case':<36} {'req/s':>8} {'p99 ms':>7} {'CPU ms/req':>11} {'DB ms/req':>10} "
        f"{'rest ms/req':>12}"
    )
    for case in cases:
        if case.name not in results:
            continue
        rps = med(case.name, lambda m: m.wrk.rps)
        p99 = med(case.name, lambda m: m.wrk.p99_ms)
        cpu = med(case.name, lambda m: m.cpu_ms_per_request)
        db = med(case.name, lambda m: m.extra.get("db_ms", 0.0))
        rest = med(case.name, lambda m: m.cpu_ms_per_request - m.extra.get("db_ms", 0.0))
        rows.append(
            {
                "case": case.name,
                "rps": rps,
                "p99_ms": p99,
                "cpu_ms": cpu,
                "db_ms": db,
                "rest_ms": rest,
            }
        )
        db_text = (
            f"{db:10.3f}"
            if case.server in ("crud-api", "before") and case.path == "/tasks"
            else " " * 10
        )
        print(f"{case.name:<36} {rps:8.0f} {p99:7.1f} {cpu:11.3f} {db_text} {rest:12.3f}")

    def ratio(numerator: str, denominator: str, value: Callable[[Measurement], float]) -> float:
        # Per round, then the median: each ratio compares runs made minutes apart at most.
        pairs = zip(results.get(numerator, []), results.get(denominator, []), strict=False)
        return median_of([value(a) / value(b) for a, b in pairs])

    def rps(m: Measurement) -> float:
        return m.wrk.rps

    def rest(m: Measurement) -> float:
        return m.cpu_ms_per_request - m.extra.get("db_ms", 0.0)

    ratios = {
        "crud-api /tasks vs Express (req/s, target >= 1)": ratio(
            "crud-api /tasks", "Express /tasks", rps
        ),
        "crud-api /tasks vs bare FastAPI (req/s)": ratio(
            "crud-api /tasks", "bare FastAPI /tasks", rps
        ),
        "crud-api /tasks non-DB CPU vs bare FastAPI CPU (target <= 2)": ratio(
            "crud-api /tasks", "bare FastAPI /tasks", rest
        ),
        "session check: /tasks req/s with it vs without": ratio(
            "crud-api /tasks", "crud-api /tasks, no session check", rps
        ),
        "crud-api /health vs bare FastAPI (req/s, target >= 0.8)": ratio(
            "crud-api /health", "bare FastAPI /health", rps
        ),
        "crud-api /health vs Express (req/s)": ratio("crud-api /health", "Express /health", rps),
        "before: /tasks vs Express (req/s)": ratio("crud-api before /tasks", "Express /tasks", rps),
        "before: /tasks non-DB CPU vs bare FastAPI CPU": ratio(
            "crud-api before /tasks", "bare FastAPI /tasks", rest
        ),
        "before: /health vs bare FastAPI (req/s)": ratio(
            "crud-api before /health", "bare FastAPI /health", rps
        ),
        "this code vs before: /tasks req/s": ratio(
            "crud-api /tasks", "crud-api before /tasks", rps
        ),
    }
    ratios = {label: value for label, value in ratios.items() if value == value}  # not NaN
    print()
    for label, value in ratios.items():
        print(f"{label:<64} {value:6.2f}")
    with_check = results.get("crud-api /tasks", [])
    without = results.get("crud-api /tasks, no session check", [])
    if with_check and without:
        cost = median_of(
            [
                a.cpu_ms_per_request - b.cpu_ms_per_request
                for a, b in zip(with_check, without, strict=False)
            ]
        )
        print(f"{'session check: CPU per request it adds (ms)':<64} {cost:6.3f}")
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"tasks-{stamp}.json").write_text(
        json.dumps({"rows": rows, "ratios": ratios, "args": vars(args)}, indent=2, default=str)
    )


if __name__ == "__main__":
    main()
