"""Accounts and sessions. Emails are unique case-insensitively, guarded by a unique index
on the normalised address (never check-then-insert). Failed logins are rate limited per
account and per client address; a success never clears a counter, so an attacker's
failures from one address are not forgiven by the real user logging in from another."""

from __future__ import annotations

from typing import Any

from bson import ObjectId
from pymongo import ASCENDING
from pymongo.errors import DuplicateKeyError

from backend_shared.accounts.models import SignupIn, TokenPair, UserUpdate
from backend_shared.auth.passwords import hash_password, verify_password
from backend_shared.auth.refresh import RefreshTokenStore
from backend_shared.auth.tokens import TokenService
from backend_shared.clock import utcnow
from backend_shared.db import Database
from backend_shared.errors import Conflict, Unauthorized
from backend_shared.ratelimit import RateLimiter
from backend_shared.settings import BaseServiceSettings
from backend_shared.text import fold_identifier

USERS = "users"
DEFAULT_ROLES = ("user",)


def normalise_email(email: str) -> str:
    """The form emails are unique and looked up in (`Ada@Example.com`, in fullwidth letters
    or not, is `ada@example.com`)."""
    return fold_identifier(email)


async def ensure_indexes(db: Database) -> None:
    await db[USERS].create_index([("email_normalized", ASCENDING)], unique=True)


async def create_user(
    *, db: Database, data: SignupIn, roles: tuple[str, ...] = DEFAULT_ROLES
) -> dict[str, Any]:
    now = utcnow()
    doc: dict[str, Any] = {
        "email": data.email,
        "email_normalized": normalise_email(data.email),
        "display_name": data.display_name,
        "password_hash": await hash_password(data.password),
        "roles": list(roles),
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
    if "display_name" in data.model_fields_set:
        changes["display_name"] = data.display_name
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
        # A new password logs every session out.
        await refresh_tokens.revoke_all(user["_id"])
    return {**user, **changes}


async def login(
    *,
    db: Database,
    tokens: TokenService,
    refresh_tokens: RefreshTokenStore,
    limiter: RateLimiter,
    settings: BaseServiceSettings,
    email: str,
    password: str,
    client_address: str,
) -> TokenPair:
    limit = settings.login_max_failures
    window = settings.login_window_seconds
    counters = (
        f"login-failures:account:{normalise_email(email)}",
        f"login-failures:address:{client_address}",
    )
    for key in counters:
        await limiter.check(key=key, limit=limit, window_seconds=window)

    user = await find_by_email(db=db, email=email)
    if user is None or not await check_password(db=db, user=user, password=password):
        if user is None:  # spend the same time as a real check: no account-existence oracle
            await verify_password(password, None)
        for key in counters:
            await limiter.hit(key=key, limit=limit, window_seconds=window)
        raise Unauthorized("Incorrect email or password")
    return await issue_tokens(tokens=tokens, refresh_tokens=refresh_tokens, user=user)


async def issue_tokens(
    *,
    tokens: TokenService,
    refresh_tokens: RefreshTokenStore,
    user: dict[str, Any],
    refresh_token: str | None = None,
) -> TokenPair:
    """An access token for `user`, with `refresh_token` or a new family's first one."""
    access = tokens.issue_access_token(str(user["_id"]), roles=set(user.get("roles", [])))
    return TokenPair(
        access_token=access.token,
        expires_in=access.expires_in,
        refresh_token=refresh_token or await refresh_tokens.issue(user["_id"]),
    )


async def refresh(
    *, db: Database, tokens: TokenService, refresh_tokens: RefreshTokenStore, refresh_token: str
) -> TokenPair:
    rotated = await refresh_tokens.rotate(refresh_token)
    user = await get_user(db=db, user_id=rotated.user_id)
    if user is None:
        raise Unauthorized("The account no longer exists")
    return await issue_tokens(
        tokens=tokens,
        refresh_tokens=refresh_tokens,
        user=user,
        refresh_token=rotated.refresh_token,
    )
