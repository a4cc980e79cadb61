"""Same load against fresh reference servers and a target, printed side by side.

    python bench/compare.py --target http://127.0.0.1:8000 --target-pid PID \\
        --chat-setup --clients 500 --rate 20 --duration 30 --client node --baselines bare,node

The references (`--baselines`, started here on free ports, one at a time):

- `bare`: bare_server.py, python-socketio with uvicorn's defaults, so it accepts
  permessage-deflate when the client offers it (the official client does);
- `bare-nodeflate`: the same server declining permessage-deflate;
- `node`: node/reference_server.mjs, Socket.IO 4 on Node with its defaults (no deflate).

Each is measured and stopped before the next, so two servers never share the CPU. With
--rounds K they all take turns K times (a fresh reference server each round) and the table
shows each metric's median.
"""

import argparse
import json
import socket
import statistics
import subprocess
import sys
import time
from typing import Any

import procfs
from load import add_load_arguments, check_bounds, options_from, resolve_auth, run
from node_workers import BENCH, require_node_client
from report import format_comparison
from runner import run_load

BARE_SERVER = BENCH / "bare_server.py"
NODE_SERVER = BENCH / "node" / "reference_server.mjs"
BASELINES = ("bare", "bare-nodeflate", "node")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def baseline_command(name: str, *, port: int, ws: str) -> list[str]:
    if name == "node":
        return [require_node_client(), str(NODE_SERVER), "--port", str(port)]
    deflate = "--deflate" if name == "bare" else "--no-deflate"
    return [sys.executable, str(BARE_SERVER), "--port", str(port), "--ws", ws, deflate]


def start_server(
    command: list[str], *, port: int, env: dict[str, str] | None = None, timeout: float = 20.0
) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, env=env)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"{command[1]} exited with {server.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        except OSError:
            time.sleep(0.1)
            continue
        return server
    stop(server)
    raise SystemExit(f"{command[1]} did not listen on port {port} within {timeout:g}s")


def stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def measure_baseline(name: str, args: argparse.Namespace) -> dict[str, Any]:
    port = free_port()
    server = start_server(baseline_command(name, port=port, ws=args.bare_ws), port=port)
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


def parse_baselines(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = sorted(set(names) - set(BASELINES))
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"choose from {', '.join(BASELINES)}: not {unknown}")
    return names


def add_compare_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--baselines",
        type=parse_baselines,
        default=["bare"],
        help=f"reference servers, comma-separated, from {', '.join(BASELINES)} (default: bare)",
    )
    parser.add_argument(
        "--bare-ws",
        default="websockets",
        help="uvicorn --ws for the bare server; match how the target is served",
    )
    parser.add_argument("--rounds", type=int, default=1, help="alternate the servers K times")


def compare(
    args: argparse.Namespace, *, target: str, target_pid: int | None, label: str = "target"
) -> dict[str, Any]:
    """Every baseline and the target, taking turns for args.rounds rounds: medians and rounds."""
    if target_pid:
        procfs.require_process(target_pid)
    # Set the target up first: a failing chat setup should not cost a baseline run.
    tokens, room = run(resolve_auth(args, target))
    target_options = options_from(args, url=target, tokens=tokens, room=room, server_pid=target_pid)
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in [*args.baselines, label]}
    for round_number in range(1, args.rounds + 1):
        for name in runs:
            print(f"round {round_number}/{args.rounds}: {name} ...", file=sys.stderr)
            if name == label:
                runs[name].append(run(run_load(target_options)))
            else:
                runs[name].append(measure_baseline(name, args))
    return {
        "medians": {name: median_result(results) for name, results in runs.items()},
        "rounds": runs,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", required=True, help="Socket.IO server root to compare")
    parser.add_argument("--target-pid", type=int, help="target server pid, for memory and CPU")
    add_compare_arguments(parser)
    add_load_arguments(parser)
    args = parser.parse_args()
    check_bounds(parser, args)
    if not 1 <= args.rounds <= 10:
        parser.error("--rounds must be 1..10")
    report = compare(args, target=args.target, target_pid=args.target_pid)
    print(format_comparison(report["medians"]))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
