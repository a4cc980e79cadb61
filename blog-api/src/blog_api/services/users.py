"""blog-api's users: registration, login and account changes. Usernames and emails are unique
regardless of case and of Unicode compatibility variants (`Jake`, `jake` and `jake` in
fullwidth letters are one username), guarded by unique indexes on their folded forms (never
check, then insert). Passwords are hashed with the shared Argon2id helpers, off the event loop."""

from __future__ import annotations

from typing import Any

from bson import ObjectId
from pymongo.errors import DuplicateKeyError

from backend_shared.auth.passwords import hash_password, verify_password
from backend_shared.clock import utcnow
from backend_shared.db import Database
from backend_shared.errors import Conflict, NotFound, Unauthorized
from backend_shared.ratelimit import RateLimiter
from backend_shared.text import fold_identifier
from blog_api.errors import NOT_FOUND, TAKEN
from blog_api.models.users import NewUser, UpdateUser
from blog_api.services.cache import ARTICLE_LISTS, ResponseCache, article_scope
from blog_api.services.collections import ARTICLES, USERS

# What other users see of a user, on profiles, articles and comments.
PUBLIC_FIELDS = ("username", "bio", "image")


async def _taken_field(db: Database, *, username: str | None, user_id: ObjectId | None) -> str:
    """Which unique field a DuplicateKeyError was about; asked only after a write failed."""
    if username is not None:
        clash = await db[USERS].find_one(
            {"username_folded": fold_identifier(username), "_id": {"$ne": user_id}}, {"_id": 1}
        )
        if clash is not None:
            return "username"
    return "email"


async def create_user(*, db: Database, data: NewUser) -> dict[str, Any]:
    now = utcnow()
    doc: dict[str, Any] = {
        "username": data.username,
        "username_folded": fold_identifier(data.username),
        "email": data.email,
        "email_folded": fold_identifier(data.email),
        "password_hash": await hash_password(data.password),
        "bio": None,
        "image": None,
        "created_at": now,
        "updated_at": now,
    }
    try:
        result = await db[USERS].insert_one(doc)
    except DuplicateKeyError:
        field = await _taken_field(db, username=data.username, user_id=None)
        raise Conflict(TAKEN, field=field) from None
    doc["_id"] = result.inserted_id
    return doc


async def authenticate(
    *,
    db: Database,
    limiter: RateLimiter,
    max_failures: int,
    window_seconds: int,
    email: str,
    password: str,
) -> dict[str, Any]:
    """The user with these credentials, or 401. Failures are limited per account, not per
    address, which would lock out a classroom behind one NAT."""
    counter = f"login-failures:account:{fold_identifier(email)}"
    await limiter.check(key=counter, limit=max_failures, window_seconds=window_seconds)
    user = await db[USERS].find_one({"email_folded": fold_identifier(email)})
    # Without a user a dummy hash is checked, so timing does not reveal which emails exist.
    valid, upgraded_hash = await verify_password(password, user["password_hash"] if user else None)
    if user is None or not valid:
        await limiter.hit(key=counter, limit=max_failures, window_seconds=window_seconds)
        raise Unauthorized("invalid", field="credentials")
    if upgraded_hash is not None:
        await db[USERS].update_one({"_id": user["_id"]}, {"$set": {"password_hash": upgraded_hash}})
    return user


async def get_user(*, db: Database, user_id: ObjectId) -> dict[str, Any] | None:
    return await db[USERS].find_one({"_id": user_id})


async def find_by_username(*, db: Database, username: str) -> dict[str, Any] | None:
    return await db[USERS].find_one({"username_folded": fold_identifier(username)})


async def get_by_username(*, db: Database, username: str) -> dict[str, Any]:
    user = await find_by_username(db=db, username=username)
    if user is None:
        raise NotFound(NOT_FOUND, field="profile")
    return user


async def update_user(
    *, db: Database, cache: ResponseCache, user: dict[str, Any], data: UpdateUser
) -> dict[str, Any]:
    sent = data.model_dump(exclude_unset=True)
    changes: dict[str, Any] = {
        name: sent[name] for name in ("username", "email", "bio", "image") if name in sent
    }
    for name in ("username", "email"):
        if name in changes:
            changes[f"{name}_folded"] = fold_identifier(changes[name])
    if "password" in sent:
        changes["password_hash"] = await hash_password(sent["password"])
    if not changes:
        return user
    changes["updated_at"] = utcnow()
    try:
        await db[USERS].update_one({"_id": user["_id"]}, {"$set": changes})
    except DuplicateKeyError:
        field = await _taken_field(db, username=sent.get("username"), user_id=user["_id"])
        raise Conflict(TAKEN, field=field) from None
    updated = {**user, **changes}
    if any(updated[name] != user[name] for name in PUBLIC_FIELDS):
        await _invalidate_authored(db=db, cache=cache, author_id=user["_id"])
    return updated


async def _invalidate_authored(*, db: Database, cache: ResponseCache, author_id: ObjectId) -> None:
    """An author's name, bio and picture show on each of their articles."""
    authored = await db[ARTICLES].find({"author_id": author_id}, {"slug": 1}).to_list(None)
    await cache.invalidate(ARTICLE_LISTS, *(article_scope(doc["slug"]) for doc in authored))
