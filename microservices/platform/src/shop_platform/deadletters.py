"""List and replay dead letters: the messages a consumer group gave up on.

    python -m shop_platform.deadletters list --group catalog
    python -m shop_platform.deadletters replay --group catalog 1732262400000-0
    python -m shop_platform.deadletters replay --group catalog --all

`REDIS_URL` (or `--redis-url`) names the Redis the services share. Replay puts the
original message back on its stream (every group on it sees the copy; those that had
handled it skip it by its event id) and removes the dead letter."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys

from redis.asyncio import Redis

from backend_shared.streams import list_dead_letters, replay_dead_letter


async def _list(redis: Redis, group: str) -> int:
    letters = await list_dead_letters(redis, group, count=1000)
    for letter in letters:
        envelope = json.loads(letter.fields.get("envelope", "{}") or "{}")
        print(
            json.dumps(
                {
                    "id": letter.id,
                    "stream": letter.stream,
                    "event_id": envelope.get("id") if isinstance(envelope, dict) else None,
                    "deliveries": letter.deliveries,
                    "error": letter.error,
                    "dead_at": letter.dead_at,
                }
            )
        )
    return 0


async def _replay(redis: Redis, group: str, ids: list[str], every: bool) -> int:
    if every:
        ids = [letter.id for letter in await list_dead_letters(redis, group, count=1000)]
    for dead_id in ids:
        try:
            new_id = await replay_dead_letter(redis, group, dead_id)
        except KeyError:
            print(f"no dead letter {dead_id} in group {group}", file=sys.stderr)
            return 1
        print(f"replayed {dead_id} as {new_id}")
    return 0


async def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m shop_platform.deadletters")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL"))
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list", help="print one JSON line per dead letter")
    listing.add_argument("--group", required=True)
    replay = commands.add_parser("replay", help="publish dead letters again")
    replay.add_argument("--group", required=True)
    replay.add_argument("ids", nargs="*")
    replay.add_argument("--all", action="store_true")
    args = parser.parse_args(argv)
    if not args.redis_url:
        parser.error("set REDIS_URL or pass --redis-url")
    redis = Redis.from_url(args.redis_url, decode_responses=True)
    try:
        if args.command == "list":
            return await _list(redis, args.group)
        if not args.ids and not args.all:
            parser.error("name dead letter ids, or --all")
        return await _replay(redis, args.group, args.ids, args.all)
    finally:
        await redis.aclose()


if __name__ == "__main__":
    sys.exit(asyncio.run(run(sys.argv[1:])))
