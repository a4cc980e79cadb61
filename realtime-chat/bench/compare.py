"""Same load against a fresh bare python-socketio server and a target, printed side by side.

    python bench/compare.py --target http://127.0.0.1:8000 --target-pid PID \\
        --chat-setup --clients 500 --rate 20 --duration 30

The bare server (bare_server.py) is started here on a free port, measured, and stopped before
the target is measured, so the two runs never share the CPU. With --rounds K the two alternate K
times (a fresh bare server each round) and the table shows each metric's median.
"""

import argparse
import json
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import procfs
from load import add_load_arguments, check_bounds, options_from, resolve_auth, run
from report import format_comparison
from runner import run_load

BARE_SERVER = Path(__file__).with_name("bare_server.py")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_bare_server(*, port: int, ws: str, timeout: float = 20.0) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [sys.executable, str(BARE_SERVER), "--port", str(port), "--ws", ws],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the bare server exited with {server.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        except OSError:
            time.sleep(0.1)
            continue
        return server
    stop(server)
    raise SystemExit(f"the bare server did not listen on port {port} within {timeout:g}s")


def stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def measure_bare(args: argparse.Namespace) -> dict[str, Any]:
    port = free_port()
    server = start_bare_server(port=port, ws=args.bare_ws)
    try:
        options = options_from(
            args, url=f"http://127.0.0.1:{port}", tokens=[], room=args.room, server_pid=server.pid
        )
        result: dict[str, Any] = run(run_load(options))
    finally:
        stop(server)
    return result


# Memory is only meaningful on a server that has not served a round yet: freed connection
# memory stays in the process and is reused, so later rounds report a smaller increase.
FIRST_ROUND_ONLY = ("server_rss_before_mib", "server_rss_after_mib", "server_kib_per_connection")
LOAD_SHAPE = ("clients", "rate", "duration", "workers")


def median_result(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Each numeric metric's median over rounds; memory and non-numbers from the first round."""
    combined = dict(runs[0], rounds=len(runs))
    for key in runs[0]:
        values = [result.get(key) for result in runs]
        numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
        if len(numbers) == len(runs) and key not in FIRST_ROUND_ONLY + LOAD_SHAPE:
            counts = all(isinstance(v, int) for v in numbers)  # keep counts whole numbers
            combined[key] = statistics.median_low(numbers) if counts else statistics.median(numbers)
    return combined


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", required=True, help="Socket.IO server root to compare")
    parser.add_argument("--target-pid", type=int, help="target server pid, for memory and CPU")
    parser.add_argument(
        "--bare-ws",
        default="websockets",
        help="uvicorn --ws for the bare server; match how the target is served",
    )
    parser.add_argument("--rounds", type=int, default=1, help="alternate bare/target K times")
    add_load_arguments(parser)
    args = parser.parse_args()
    check_bounds(parser, args)
    if not 1 <= args.rounds <= 10:
        parser.error("--rounds must be 1..10")
    if args.target_pid:
        procfs.require_process(args.target_pid)
    # Set the target up first: a failing chat setup should not cost a bare run.
    tokens, room = run(resolve_auth(args, args.target))
    target_options = options_from(
        args, url=args.target, tokens=tokens, room=room, server_pid=args.target_pid
    )
    bare_runs, target_runs = [], []
    for round_number in range(1, args.rounds + 1):
        print(f"round {round_number}/{args.rounds}: bare python-socketio ...", file=sys.stderr)
        bare_runs.append(measure_bare(args))
        print(f"round {round_number}/{args.rounds}: {args.target} ...", file=sys.stderr)
        target_runs.append(run(run_load(target_options)))
    bare, target = median_result(bare_runs), median_result(target_runs)
    print(format_comparison(bare, target))
    if args.json:
        rounds = {"bare_rounds": bare_runs, "target_rounds": target_runs}
        report = {"bare": bare, "target": target, **rounds}
        args.json.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
