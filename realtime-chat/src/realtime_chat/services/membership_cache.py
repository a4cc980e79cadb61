"""Room membership, mirrored in Redis so that every instance can check a Socket.IO `join`
with one SISMEMBER instead of a database query.

MongoDB stays the source of truth. A room's set is complete or absent: it is written whole
when the room is created or loaded from the database on a miss, and single members are added
only to a set that exists (a lone SADD into an absent key would make a partial set look
complete). Removals always apply. Each set expires after `TTL_SECONDS` without use, which
also bounds how long a rare race (a load that read the database just before a removal)
can leave a stale member behind.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable

from bson import ObjectId
from redis.asyncio import Redis

TTL_SECONDS = 600
_COMPLETE = "*"  # present in every complete set, so an empty room is not a miss

# Adds ARGV[1] to KEYS[1] only if the set exists (is complete); refreshes its expiry.
_ADD_IF_COMPLETE = """
if redis.call('exists', KEYS[1]) == 1 then
  redis.call('sadd', KEYS[1], ARGV[1])
  redis.call('expire', KEYS[1], ARGV[2])
  return 1
end
return 0
"""

MemberLoader = Callable[[], Awaitable[Iterable[ObjectId]]]


class MembershipCache:
    def __init__(self, redis: Redis, *, namespace: str) -> None:
        self._redis = redis
        self._prefix = f"{namespace}:members:"
        self._add_if_complete = redis.register_script(_ADD_IF_COMPLETE)

    def _key(self, room_id: ObjectId) -> str:
        return f"{self._prefix}{room_id}"

    async def set_members(self, room_id: ObjectId, user_ids: Iterable[ObjectId]) -> None:
        key = self._key(room_id)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.delete(key)
            pipe.sadd(key, _COMPLETE, *(str(user_id) for user_id in user_ids))
            pipe.expire(key, TTL_SECONDS)
            await pipe.execute()

    async def add(self, room_id: ObjectId, user_id: ObjectId) -> None:
        await self._add_if_complete(keys=[self._key(room_id)], args=[str(user_id), TTL_SECONDS])

    async def remove(self, room_id: ObjectId, user_id: ObjectId) -> None:
        await self._redis.srem(self._key(room_id), str(user_id))

    async def is_member(self, room_id: ObjectId, user_id: ObjectId, *, load: MemberLoader) -> bool:
        key = self._key(room_id)
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.sismember(key, str(user_id))
            pipe.exists(key)
            member, exists = await pipe.execute()
        if exists:
            return bool(member)
        members = list(await load())
        await self.set_members(room_id, members)
        return user_id in members
