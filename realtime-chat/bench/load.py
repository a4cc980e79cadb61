"""Socket.IO chat load generator: N clients join one room, one sender, delivery latency.

    python bench/load.py --url http://127.0.0.1:8765 --clients 500 --rate 20 --duration 30

See README.md for what each number means.
"""

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import procfs
from chat_setup import new_setup_tag, setup_chat
from report import format_single
from runner import LoadOptions, run_load

MAX_CLIENTS = 20_000
MAX_DURATION_S = 600


def add_load_arguments(parser: argparse.ArgumentParser) -> None:
    """The load shape and client options, shared with compare.py."""
    defaults = LoadOptions(url="")
    add = parser.add_argument
    add("--clients", type=int, default=defaults.clients, help="receiving clients (+1 sender)")
    add("--rate", type=float, default=defaults.rate, help="messages/s from the one sender")
    add("--duration", type=float, default=defaults.duration, help="seconds of sending")
    add("--room", default=defaults.room, help="room id to join (ignored with --chat-setup)")
    add("--workers", type=int, default=defaults.workers, help="receiver processes")
    add("--body-size", type=int, default=defaults.body_size, help="message body bytes")
    add("--path", default=defaults.path, help="Socket.IO path on the server")
    add("--namespace", default=defaults.namespace)
    add("--connect-concurrency", type=int, default=defaults.connect_concurrency)
    add("--connect-timeout", type=float, default=defaults.connect_timeout)
    add("--drain", type=float, default=defaults.drain, help="max seconds to wait for stragglers")
    add(
        "--client",
        choices=["raw", "node"],
        default=defaults.client,
        help="receivers: this folder's Python client, or the official socket.io-client (Node)",
    )
    add(
        "--deflate",
        action=argparse.BooleanOptionalAction,
        help="offer permessage-deflate (default: as the client does: node yes, raw no)",
    )
    add("--token-file", type=Path, help="access tokens, one per line; the first is the sender's")
    add("--chat-setup", action="store_true", help="create users and a room via the chat REST API")
    add("--setup-users", type=int, help="users to create with --chat-setup (default clients+1)")
    add("--setup-tag", help="reuse the users of an earlier --chat-setup run with this tag")
    add("--setup-password", default="bench-Passw0rd!")
    add("--save-tokens", type=Path, help="write the --chat-setup tokens here for --token-file")
    add("--json", type=Path, help="also write the results here as JSON")


def check_bounds(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if not 1 <= args.clients <= MAX_CLIENTS:
        parser.error(f"--clients must be 1..{MAX_CLIENTS}")
    if not 0 < args.duration <= MAX_DURATION_S:
        parser.error(f"--duration must be in (0, {MAX_DURATION_S}]")
    if args.rate <= 0 or args.workers < 1:
        parser.error("--rate and --workers must be positive")
    if args.token_file and args.chat_setup:
        parser.error("use --token-file or --chat-setup, not both")


async def resolve_auth(args: argparse.Namespace, base_url: str) -> tuple[list[str], str]:
    """Tokens and room for the run: from --token-file, from --chat-setup, or none."""
    if args.token_file:
        tokens = [line.strip() for line in args.token_file.read_text().splitlines()]
        return [token for token in tokens if token], args.room
    if not args.chat_setup:
        return [], args.room
    tag = args.setup_tag or new_setup_tag()
    users = args.setup_users or args.clients + 1
    print(
        f"chat setup: {users} users (tag {tag}) and a public room at {base_url} ...",
        file=sys.stderr,
    )
    tokens, room = await setup_chat(
        base_url=base_url, users=users, tag=tag, password=args.setup_password
    )
    print(f"chat setup: room {room}", file=sys.stderr)
    if args.save_tokens:
        args.save_tokens.write_text("\n".join(tokens) + "\n")
        reuse = f"--token-file {args.save_tokens} --room {room}"
        print(f"chat setup: tokens saved; reuse them with {reuse}", file=sys.stderr)
    return tokens, room


def options_from(
    args: argparse.Namespace, *, url: str, tokens: list[str], room: str, server_pid: int | None
) -> LoadOptions:
    return LoadOptions(
        url=url,
        clients=args.clients,
        rate=args.rate,
        duration=args.duration,
        room=room,
        tokens=tokens,
        workers=args.workers,
        server_pid=server_pid,
        path=args.path,
        namespace=args.namespace,
        body_size=args.body_size,
        connect_concurrency=args.connect_concurrency,
        connect_timeout=args.connect_timeout,
        drain=args.drain,
        deflate=args.client == "node" if args.deflate is None else args.deflate,
        client=args.client,
    )


def run(coro: Any) -> Any:
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    return uvloop.run(coro)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="Socket.IO server root, http://host:port")
    parser.add_argument("--server-pid", type=int, help="server pid, for its memory and CPU")
    add_load_arguments(parser)
    args = parser.parse_args()
    check_bounds(parser, args)
    if args.server_pid:
        procfs.require_process(args.server_pid)
    tokens, room = run(resolve_auth(args, args.url))
    options = options_from(args, url=args.url, tokens=tokens, room=room, server_pid=args.server_pid)
    result = run(run_load(options))
    print(format_single(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
