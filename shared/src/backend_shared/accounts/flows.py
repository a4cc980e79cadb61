"""After an account's sessions end, tell whoever holds long-lived connections for it.

HTTP requests need no telling: every request checks the account (`check_session`). A
WebSocket authenticated once at connect does: realtime-chat subscribes to this channel and
disconnects the sockets of an ended session on every instance. Whatever ends sessions
(log-out, a new password, disabling an account) announces it once the write is done."""

from __future__ import annotations

import json
import logging
from typing import Any

from bson import ObjectId
from redis.exceptions import RedisError

from backend_shared.accounts import service
from backend_shared.auth.refresh import RefreshTokenStore
from backend_shared.db import Database
from backend_shared.redis import RedisHandle

logger = logging.getLogger("backend_shared.accounts.flows")


def sessions_channel(service_name: str) -> str:
    return f"{service_name}:sessions-ended"


async def sessions_ended(
    *, redis: RedisHandle | None, service_name: str, user_id: str, session_id: str | None = None
) -> None:
    """Announce that `session_id` (or, with None, every session of `user_id`) ended."""
    if redis is None:
        return
    message = json.dumps({"user_id": user_id, "session_id": session_id})
    try:
        await redis.client.publish(sessions_channel(service_name), message)
    except RedisError as exc:  # the sockets still fail their next check on expiry
        logger.warning("could not announce ended sessions: %s", exc)


async def disable_account(
    *,
    db: Database,
    refresh_tokens: RefreshTokenStore,
    redis: RedisHandle | None,
    service_name: str,
    user_id: ObjectId,
) -> dict[str, Any] | None:
    """Disable an account (`service.disable_user`) and announce that its sessions ended,
    so its open sockets close too. None if there is no such account."""
    disabled = await service.disable_user(db=db, refresh_tokens=refresh_tokens, user_id=user_id)
    if disabled is not None:
        await sessions_ended(redis=redis, service_name=service_name, user_id=str(user_id))
    return disabled
