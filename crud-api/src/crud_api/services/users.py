"""Accounts: sign-up, credentials, profile changes. Emails are unique case-insensitively,
guarded by a unique index on the normalised address (never check-then-insert)."""

from __future__ import annotations

from typing import Any

from backend_shared.auth.passwords import hash_password, verify_password
from backend_shared.auth.refresh import RefreshTokenStore
from backend_shared.clock import utcnow
from backend_shared.db import Database
from backend_shared.errors import Conflict, Unauthorized
from bson import ObjectId
from pymongo import ASCENDING
from pymongo.errors import DuplicateKeyError

from crud_api.models.users import SignupIn, UserUpdate

USERS = "users"
DEFAULT_ROLES = ["user"]


def normalise_email(email: str) -> str:
    return email.strip().lower()


async def ensure_indexes(db: Database) -> None:
    await db[USERS].create_index([("email_normalized", ASCENDING)], unique=True)


async def create_user(*, db: Database, data: SignupIn) -> dict[str, Any]:
    now = utcnow()
    doc: dict[str, Any] = {
        "email": data.email,
        "email_normalized": normalise_email(data.email),
        "full_name": data.full_name,
        "password_hash": await hash_password(data.password),
        "roles": DEFAULT_ROLES,
        "created_at": now,
        "updated_at": now,
    }
    try:
        result = await db[USERS].insert_one(doc)
    except DuplicateKeyError:
        raise Conflict("An account with this email already exists", field="email") from None
    doc["_id"] = result.inserted_id
    return doc


async def find_by_email(*, db: Database, email: str) -> dict[str, Any] | None:
    return await db[USERS].find_one({"email_normalized": normalise_email(email)})


async def get_user(*, db: Database, user_id: ObjectId) -> dict[str, Any] | None:
    return await db[USERS].find_one({"_id": user_id})


async def check_password(*, db: Database, user: dict[str, Any] | None, password: str) -> bool:
    """Verify `password` (against a dummy hash when `user` is None, to keep timing flat),
    upgrading an outdated stored hash on success."""
    valid, upgraded_hash = await verify_password(password, user["password_hash"] if user else None)
    if valid and user is not None and upgraded_hash is not None:
        await db[USERS].update_one({"_id": user["_id"]}, {"$set": {"password_hash": upgraded_hash}})
    return valid


async def update_user(
    *, db: Database, refresh_tokens: RefreshTokenStore, user: dict[str, Any], data: UserUpdate
) -> dict[str, Any]:
    if data.current_password is not None and not await check_password(
        db=db, user=user, password=data.current_password
    ):
        raise Unauthorized("The current password is incorrect", field="current_password")
    changes: dict[str, Any] = {}
    if "full_name" in data.model_fields_set:
        changes["full_name"] = data.full_name
    if data.email is not None:
        changes["email"] = data.email
        changes["email_normalized"] = normalise_email(data.email)
    if data.password is not None:
        changes["password_hash"] = await hash_password(data.password)
    if not changes:
        return user
    changes["updated_at"] = utcnow()
    try:
        await db[USERS].update_one({"_id": user["_id"]}, {"$set": changes})
    except DuplicateKeyError:
        raise Conflict("An account with this email already exists", field="email") from None
    if data.password is not None:
        # A new password logs every other session out.
        await refresh_tokens.revoke_all(user["_id"])
    return {**user, **changes}
