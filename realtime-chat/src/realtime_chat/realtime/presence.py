"""Who is online in each room, kept in Redis so that every instance sees every connection.

Each (room, connection) is an entry with an expiry time. The instance holding the
connection refreshes its entries every heartbeat; a clean leave or disconnect removes them
at once. If an instance dies, its entries simply stop being refreshed, and whichever
instance sweeps next removes them and announces the users offline: a user on a crashed
instance goes offline within TTL + one heartbeat.

Keys (all under the service's namespace):
  presence:users:{room}        ZSET user_id -> latest expiry of any of their entries
  presence:conns:{room}:{user} ZSET sid -> expiry (one user's connections in the room)
  presence:expiry              ZSET "room|user|sid" -> expiry (what the sweeper scans)
  presence:names               HASH user_id -> display name
The two scripts keep each change atomic, so exactly one caller learns that a user came
online or went offline, and announces it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

# Returns 1 when this entry brings the user online in the room (no live entry before).
_ENTER = """
local now = tonumber(ARGV[5])
local mine = tonumber(redis.call('zscore', KEYS[2], ARGV[2]) or '-1')
local live = redis.call('zcount', KEYS[2], now, '+inf')
if mine >= now then live = live - 1 end
redis.call('zadd', KEYS[2], ARGV[4], ARGV[2])
redis.call('zadd', KEYS[1], 'GT', ARGV[4], ARGV[1])
redis.call('zadd', KEYS[3], ARGV[4], ARGV[3])
if live == 0 and mine < now then return 1 end
return 0
"""

# Returns 1 when removing this entry leaves the user with no live entry in the room.
_LEAVE = """
local removed = redis.call('zrem', KEYS[3], ARGV[3])
redis.call('zrem', KEYS[2], ARGV[2])
if removed == 0 then return 0 end
if redis.call('zcount', KEYS[2], ARGV[4], '+inf') == 0 then
  redis.call('zrem', KEYS[1], ARGV[1])
  return 1
end
return 0
"""


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


@dataclass(frozen=True, slots=True)
class Entry:
    room_id: str
    user_id: str
    sid: str

    @property
    def encoded(self) -> str:
        return f"{self.room_id}|{self.user_id}|{self.sid}"

    @classmethod
    def decode(cls, value: str) -> Entry:
        room_id, user_id, sid = value.split("|", 2)
        return cls(room_id=room_id, user_id=user_id, sid=sid)


@dataclass(frozen=True, slots=True)
class OnlineUser:
    user_id: str
    display_name: str | None


class Presence:
    def __init__(self, redis: Redis, *, namespace: str, ttl_seconds: float) -> None:
        self._redis = redis
        self._ns = f"{namespace}:presence"
        self.ttl_seconds = ttl_seconds
        self._enter = redis.register_script(_ENTER)
        self._leave = redis.register_script(_LEAVE)

    def _keys(self, entry: Entry) -> list[str]:
        return [
            f"{self._ns}:users:{entry.room_id}",
            f"{self._ns}:conns:{entry.room_id}:{entry.user_id}",
            f"{self._ns}:expiry",
        ]

    def _enter_args(self, entry: Entry, now: float) -> list[str | float]:
        """The enter script's arguments: who, which connection, and until when."""
        return [entry.user_id, entry.sid, entry.encoded, now + self.ttl_seconds, now]

    async def remember_name(self, user_id: str, display_name: str | None) -> None:
        await self._redis.hset(f"{self._ns}:names", user_id, display_name or "")

    async def enter(self, entry: Entry) -> bool:
        """Record (or refresh) the entry; True if the user just came online in the room."""
        return bool(
            await self._enter(keys=self._keys(entry), args=self._enter_args(entry, time.time()))
        )

    async def refresh(self, entries: list[Entry]) -> list[Entry]:
        """Refresh many entries in one round trip; returns those that had been swept (an
        instance too busy to beat in time) and so came back online."""
        if not entries:
            return []
        now = time.time()
        async with self._redis.pipeline(transaction=False) as pipe:
            for entry in entries:
                args = self._enter_args(entry, now)
                await self._enter(keys=self._keys(entry), args=args, client=pipe)
            results = await pipe.execute()
        return [entry for entry, came_online in zip(entries, results, strict=True) if came_online]

    async def leave(self, entry: Entry) -> bool:
        """Remove the entry; True if the user has no other live entry in the room."""
        args: list[str | float] = [entry.user_id, entry.sid, entry.encoded, time.time()]
        return bool(await self._leave(keys=self._keys(entry), args=args))

    async def sweep(self, *, batch: int = 500) -> list[Entry]:
        """Remove entries whose instance stopped refreshing them; returns those whose user
        is now offline in the room."""
        expired = await self._redis.zrangebyscore(
            f"{self._ns}:expiry", "-inf", time.time(), start=0, num=batch
        )
        offline = []
        for value in expired:
            entry = Entry.decode(_text(value))
            if await self.leave(entry):
                offline.append(entry)
        return offline

    async def online(self, room_id: str) -> list[OnlineUser]:
        user_ids = [
            _text(value)
            for value in await self._redis.zrangebyscore(
                f"{self._ns}:users:{room_id}", time.time(), "+inf"
            )
        ]
        if not user_ids:
            return []
        names = await self._redis.hmget(f"{self._ns}:names", user_ids)
        return [
            OnlineUser(user_id=user_id, display_name=_text(name) if name else None)
            for user_id, name in zip(user_ids, names, strict=True)
        ]

    async def name_of(self, user_id: str) -> str | None:
        name = await self._redis.hget(f"{self._ns}:names", user_id)
        return _text(name) if name else None

    async def connections(self, room_id: str, user_id: str) -> list[str]:
        """The sids through which `user_id` is live in the room, on any instance."""
        sids = await self._redis.zrangebyscore(
            f"{self._ns}:conns:{room_id}:{user_id}", time.time(), "+inf"
        )
        return [_text(sid) for sid in sids]
