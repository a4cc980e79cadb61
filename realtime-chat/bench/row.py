"""realtime-chat's row of issue 9 in one command: the chat under the official client, beside
bare python-socketio and Node Socket.IO 4, with per-message deflate on and off.

    uv run --frozen python realtime-chat/bench/row.py              # about 25 minutes
    uv run --frozen python realtime-chat/bench/row.py --rounds 1 --duration 10 --loads 500x20
    uv run --frozen python realtime-chat/bench/row.py --before /tmp/before   # + an old checkout

The servers, one process each, take turns in every round (one measured at a time, the
generator beside it on this machine):

- `bare`: bare_server.py, python-socketio on uvicorn with uvicorn's defaults, so it accepts
  the per-message deflate the client offers;
- `bare-nodeflate`: the same, declining it;
- `node`: node/reference_server.mjs, Socket.IO 4 with its defaults (it declines deflate);
- `chat-deflate`: realtime-chat with `WS_COMPRESSION=on`;
- `chat`: realtime-chat as shipped (`python -m realtime_chat`, `WS_COMPRESSION=off`);
- `before` (with `--before DIR`): realtime-chat from another checkout (e.g. `git worktree add
  /tmp/before <commit>`), served as it was then: `uvicorn --ws websockets --loop uvloop`.

Receivers are the official socket.io-client under Node (node/receivers.mjs), which offers
per-message deflate exactly as a browser does. The chats run on the embedded engine and
Valkey (APP_ENV=test: nothing written to disk), with the flood limit raised for the one
sender and 51 users for all connections. Tables show medians of the rounds; the JSON with
every round goes to bench/results/.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from compare import (
    baseline_command,
    free_port,
    median_result,
    start_server,
    stop,
)
from load import add_load_arguments, options_from, resolve_auth, run
from node_workers import BENCH, require_node_client
from report import _cell, format_comparison
from runner import run_load

RESULTS = BENCH / "results"
CHAT_ENV = {
    "APP_ENV": "test",  # memory only: the embedded engine writes no snapshots
    "FLOOD_MAX_MESSAGES": "1000000",
    "FLOOD_WINDOW_SECONDS": "1",
    "ACCESS_TOKEN_TTL_SECONDS": "86400",  # the tokens are made once, for a long run
    "LOG_LEVEL": "WARNING",
}
SETUP_USERS = 51


@dataclass
class Contender:
    name: str
    chat_env: dict[str, str] | None = None  # a realtime-chat, kept up for the whole run
    source: Path | None = None  # another checkout's realtime-chat (--before)
    server: Any = None
    url: str = ""
    tokens: list[str] = field(default_factory=list)
    room: str = ""


def chat_command(contender: Contender, port: int) -> tuple[list[str], dict[str, str]]:
    env = {**os.environ, **CHAT_ENV, **(contender.chat_env or {})}
    if contender.source is None:
        command = [sys.executable, "-m", "realtime_chat", "--port", str(port), "--no-access-log"]
        return [*command, "--log-level", "warning"], env
    paths = [contender.source / "realtime-chat" / "src", contender.source / "shared" / "src"]
    env["PYTHONPATH"] = os.pathsep.join(str(path) for path in paths)
    command = [
        *(sys.executable, "-m", "uvicorn", "realtime_chat.main:create_app", "--factory"),
        *("--port", str(port), "--ws", "websockets", "--loop", "uvloop"),
        *("--no-access-log", "--log-level", "warning"),
    ]
    return command, env


def start_chat(contender: Contender, args: argparse.Namespace) -> None:
    port = free_port()
    command, env = chat_command(contender, port)
    contender.server = start_server(command, port=port, env=env, timeout=60)
    contender.url = f"http://127.0.0.1:{port}"
    setup = argparse.Namespace(**vars(args))
    setup.chat_setup, setup.token_file, setup.setup_users = True, None, SETUP_USERS
    contender.tokens, contender.room = run(resolve_auth(setup, contender.url))


def measure(contender: Contender, args: argparse.Namespace) -> dict[str, Any]:
    if contender.chat_env is not None or contender.source is not None:
        options = options_from(
            args,
            url=contender.url,
            tokens=contender.tokens,
            room=contender.room,
            server_pid=contender.server.pid,
        )
        result: dict[str, Any] = run(run_load(options))
        return result
    port = free_port()
    server = start_server(baseline_command(contender.name, port=port, ws="websockets"), port=port)
    try:
        options = options_from(
            args, url=f"http://127.0.0.1:{port}", tokens=[], room=args.room, server_pid=server.pid
        )
        result = run(run_load(options))
    finally:
        stop(server)
    return result


SUMMARY = [
    ("deliveries_per_s", "deliveries/s", "{:,.0f}"),
    ("lost", "lost", "{:,}"),
    ("latency_p50_ms", "p50 ms", "{:.1f}"),
    ("latency_p99_ms", "p99 ms", "{:.1f}"),
    ("server_us_per_delivery", "CPU us/delivery", "{:.1f}"),
    ("wire_bytes_per_delivery", "bytes/delivery", "{:.0f}"),
    ("server_kib_per_connection", "KiB/connection", "{:.1f}"),
    ("others_cpu_pct", "others' CPU %", "{:.0f}"),
]


def summary_table(load: str, medians: dict[str, dict[str, Any]]) -> str:
    header = "| server | " + " | ".join(label for _, label, _ in SUMMARY) + " |"
    lines = [f"\n{load}, official client, medians of {args_rounds(medians)} rounds", header]
    lines.append("|" + "---|" * (len(SUMMARY) + 1))
    for name, result in medians.items():
        cells = " | ".join(_cell(result.get(key), fmt) for key, _, fmt in SUMMARY)
        lines.append(f"| {name} | {cells} |")
    return "\n".join(lines)


def args_rounds(medians: dict[str, dict[str, Any]]) -> int:
    return int(next(iter(medians.values())).get("rounds", 1))


def verdicts(by_load: dict[str, dict[str, dict[str, Any]]]) -> list[str]:
    """The issue's targets for realtime-chat, read off this run."""
    lines = []
    chat_500 = by_load.get("500x20", {}).get("chat")
    if chat_500:
        p99 = chat_500["latency_p99_ms"]
        lines.append(f"500x20 p99 {p99:.1f} ms (target < 100): {'met' if p99 < 100 else 'NOT met'}")
    at_1000 = by_load.get("1000x20", {})
    if "chat" in at_1000 and "bare" in at_1000:
        chat, bare = at_1000["chat"], at_1000["bare"]
        ratio = chat["deliveries_per_s"] / bare["deliveries_per_s"]
        lost = chat["lost"]
        lines.append(
            f"1000x20 lost {lost:,} (target 0): {'met' if lost == 0 else 'NOT met'}; "
            f"deliveries/s {ratio:.2f}x bare python-socketio's (target >= 2): "
            f"{'met' if ratio >= 2 else 'NOT met'}"
        )
    for load, medians in by_load.items():
        chat = medians.get("chat")
        if chat and chat["deliveries_per_s"] >= 30_000 and chat["lost"] == 0:
            lines.append(f"stretch: {load} at {chat['deliveries_per_s']:,.0f} deliveries/s")
    return lines


def parse_load(text: str) -> tuple[int, float]:
    clients, _, rate = text.partition("x")
    return int(clients), float(rate)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loads", default="500x20,1000x20", help="CLIENTSxRATE, comma-separated")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--servers",
        default="bare,bare-nodeflate,node,chat-deflate,chat",
        help="which of bare, bare-nodeflate, node, chat-deflate, chat to run",
    )
    parser.add_argument("--before", type=Path, help="another checkout: its chat as it was served")
    add_load_arguments(parser)
    parser.set_defaults(client="node", duration=20.0)
    args = parser.parse_args()
    require_node_client()
    names = [name.strip() for name in args.servers.split(",") if name.strip()]
    contenders = [
        Contender(name, chat_env={"WS_COMPRESSION": "on"} if name == "chat-deflate" else {})
        if name.startswith("chat")
        else Contender(name)
        for name in names
    ]
    if args.before is not None:
        contenders.insert(len(contenders) - 1, Contender("before", source=args.before.resolve()))
    loads = [parse_load(text) for text in args.loads.split(",")]
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"row-{time.strftime('%Y%m%d-%H%M%S')}.json"
    by_load: dict[str, dict[str, dict[str, Any]]] = {}
    rounds: dict[str, dict[str, list[dict[str, Any]]]] = {}
    try:
        for contender in contenders:
            if contender.chat_env is not None or contender.source is not None:
                print(f"starting {contender.name} and setting up its users ...", file=sys.stderr)
                start_chat(contender, args)
        for clients, rate in loads:
            load = f"{clients}x{rate:g}"
            args.clients, args.rate = clients, rate
            runs: dict[str, list[dict[str, Any]]] = {c.name: [] for c in contenders}
            for round_number in range(1, args.rounds + 1):
                for contender in contenders:
                    print(f"{load} round {round_number}: {contender.name} ...", file=sys.stderr)
                    runs[contender.name].append(measure(contender, args))
                    time.sleep(1)
            medians = {name: median_result(results) for name, results in runs.items()}
            by_load[load], rounds[load] = medians, runs
            print(format_comparison(medians))
            print(summary_table(load, medians))
            path.write_text(json.dumps({"medians": by_load, "rounds": rounds}, indent=2) + "\n")
    finally:
        for contender in contenders:
            if contender.server is not None:
                stop(contender.server)
    print("\n" + "\n".join(verdicts(by_load)))
    print(f"every round: {path}")


if __name__ == "__main__":
    main()
