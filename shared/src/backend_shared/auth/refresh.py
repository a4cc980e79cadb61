"""Opaque refresh tokens, stored only as SHA-256 hashes and rotated on every use.

Each login starts a family; every refresh marks the presented token used and issues the
next one in the same family. A used token presented again means two parties hold it (one
of them a thief), so the whole family is revoked and both must log in again.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bson import ObjectId
from pymongo import ASCENDING, ReturnDocument

from backend_shared.db import Collection, Database
from backend_shared.errors import Unauthorized

logger = logging.getLogger("backend_shared.auth.refresh")

COLLECTION = "refresh_tokens"


def _digest(token: str) -> str:
    # Refresh tokens carry 256 random bits, so a fast hash is enough: there is nothing to
    # brute-force. A database leak still yields no usable token.
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class IssuedRefreshToken:
    token: str
    family_id: str  # the session: access tokens carry it as `sid`


@dataclass(frozen=True, slots=True)
class RevokedSession:
    user_id: ObjectId
    family_id: str


@dataclass(frozen=True, slots=True)
class RotatedToken:
    user_id: ObjectId
    refresh_token: IssuedRefreshToken


class RefreshTokenStore:
    def __init__(self, db: Database, *, ttl_seconds: int) -> None:
        self._tokens: Collection = db[COLLECTION]
        self.ttl_seconds = ttl_seconds

    async def ensure_indexes(self) -> None:
        await self._tokens.create_index([("token_hash", ASCENDING)], unique=True)
        await self._tokens.create_index([("family_id", ASCENDING)])
        await self._tokens.create_index([("user_id", ASCENDING)])
        await self._tokens.create_index([("expires_at", ASCENDING)], expireAfterSeconds=0)

    async def issue(self, user_id: ObjectId, *, family_id: str | None = None) -> IssuedRefreshToken:
        token = secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        family_id = family_id or uuid.uuid4().hex
        await self._tokens.insert_one(
            {
                "token_hash": _digest(token),
                "user_id": user_id,
                "family_id": family_id,
                "created_at": now,
                "expires_at": now + timedelta(seconds=self.ttl_seconds),
                "used_at": None,
                "revoked_at": None,
            }
        )
        return IssuedRefreshToken(token=token, family_id=family_id)

    async def rotate(self, token: str) -> RotatedToken:
        """Spend `token` and return its successor; Unauthorized if it cannot be spent."""
        now = datetime.now(UTC)
        token_hash = _digest(token)
        # One atomic update decides the race between two refreshes with the same token.
        spent = await self._tokens.find_one_and_update(
            {
                "token_hash": token_hash,
                "used_at": None,
                "revoked_at": None,
                "expires_at": {"$gt": now},
            },
            {"$set": {"used_at": now}},
            return_document=ReturnDocument.BEFORE,
        )
        if spent is None:
            known = await self._tokens.find_one({"token_hash": token_hash})
            if known is not None and known["used_at"] is not None:
                await self._revoke_family(known["family_id"], now)
                logger.warning(
                    "refresh token reused; revoked its family",
                    extra={"user_id": str(known["user_id"]), "family_id": known["family_id"]},
                )
            raise Unauthorized("The refresh token is invalid, expired or revoked")
        successor = await self.issue(spent["user_id"], family_id=spent["family_id"])
        return RotatedToken(user_id=spent["user_id"], refresh_token=successor)

    async def revoke(self, token: str) -> RevokedSession | None:
        """Log one session out: revoke the token's family. None if it was unknown."""
        known = await self._tokens.find_one({"token_hash": _digest(token)})
        if known is None:
            return None
        await self._revoke_family(known["family_id"], datetime.now(UTC))
        return RevokedSession(user_id=known["user_id"], family_id=known["family_id"])

    async def revoke_all(self, user_id: ObjectId) -> None:
        """Log a user out everywhere (after a password change, say)."""
        await self._tokens.update_many(
            {"user_id": user_id, "revoked_at": None}, {"$set": {"revoked_at": datetime.now(UTC)}}
        )

    async def _revoke_family(self, family_id: str, now: datetime) -> None:
        await self._tokens.update_many(
            {"family_id": family_id, "revoked_at": None}, {"$set": {"revoked_at": now}}
        )
