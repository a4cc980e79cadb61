"""blog-api's users: registration, login and account changes. Usernames and emails are unique
regardless of case and of Unicode compatibility variants (`Jake`, `jake` and `jake` in
fullwidth letters are one username), guarded by unique indexes on their folded forms (never
check, then insert). Passwords are hashed with the shared Argon2id helpers, off the event loop.

Sessions follow the shared accounts' rule: each user has a `token_version`, written into
every token; a new password bumps it in the same write, so every earlier token is stale.
Password guesses are counted before they are checked (the shared `GuessLimiter`)."""

from __future__ import annotations

from typing import Any

from bson import ObjectId
from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from backend_shared.accounts.service import check_guess
from backend_shared.auth.guesses import GuessLimiter
from backend_shared.auth.passwords import hash_password
from backend_shared.clock import utcnow
from backend_shared.db import Database
from backend_shared.errors import Conflict, NotFound, Unauthorized
from backend_shared.settings import AccountSettings
from backend_shared.text import fold_identifier
from blog_api.errors import NOT_FOUND, TAKEN
from blog_api.models.users import NewUser, UpdateUser
from blog_api.services.collections import USERS

# What other users see of a user, on profiles, articles and comments.
PUBLIC_FIELDS = ("username", "bio", "image")
# The shared check_session's words for a token older than the account's last new password.
SESSION_ENDED = "The session has ended; log in again"


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
        "token_version": 0,
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
    guesses: GuessLimiter,
    settings: AccountSettings,
    email: str,
    password: str,
    client_address: str,
) -> dict[str, Any]:
    """The user with these credentials, or 401; 429 once this guess would exceed a limit.

    The guess is counted before the password is checked, per account and address, per
    account, and per address (`guess_counters`), and given back when it is right: an
    attacker elsewhere cannot lock the owner out, nor one address's typos its neighbours.
    Without a user a dummy hash is checked, so timing does not reveal which emails exist.
    blog-api's users sit in the shared accounts' collection name (`users`) with the same
    `password_hash` field, so the shared check also upgrades an outdated hash in place."""
    user = await db[USERS].find_one({"email_folded": fold_identifier(email)})
    await check_guess(
        db=db,
        guesses=guesses,
        settings=settings,
        email=email,
        user=user,
        password=password,
        client_address=client_address,
        error=Unauthorized("invalid", field="credentials"),
    )
    assert user is not None  # check_guess raised for a missing user (the dummy hash)
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


def _session_of(user: dict[str, Any]) -> dict[str, Any]:
    """A filter that matches `user` only while its token version is the one just checked
    (users registered before versions existed have none, which counts as 0)."""
    version = user.get("token_version")
    return {"token_version": version if version is not None else {"$exists": False}}


async def update_user(*, db: Database, user: dict[str, Any], data: UpdateUser) -> dict[str, Any]:
    """Apply the fields sent. A new password bumps `token_version` in the same write, and
    the write is conditional on the version the caller's token was checked against, so a
    session that another change has just ended cannot write (nor get a fresh token)."""
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
    update: dict[str, Any] = {"$set": changes}
    if "password" in sent:
        update["$inc"] = {"token_version": 1}
    try:
        updated = await db[USERS].find_one_and_update(
            {"_id": user["_id"], **_session_of(user)}, update, return_document=ReturnDocument.AFTER
        )
    except DuplicateKeyError:
        field = await _taken_field(db, username=sent.get("username"), user_id=user["_id"])
        raise Conflict(TAKEN, field=field) from None
    if updated is None:
        raise Unauthorized(SESSION_ENDED, field="token", headers={"WWW-Authenticate": "Token"})
    return updated


def ends_sessions(*, before: dict[str, Any], after: dict[str, Any]) -> bool:
    """Whether an update ended `before`'s sessions (a new password): its tokens are stale."""
    return bool(after.get("token_version", 0) != before.get("token_version", 0))
