"""Accounts and sessions. Emails are unique case-insensitively, guarded by a unique index
on the normalised address (never check-then-insert). Password guesses are counted before
they are checked (`backend_shared.auth.guesses`). A session ends at once: log-out lists its
`sid` on the account, a password change or a disabled account bumps `token_version`, and
`check_session` refuses any access token that either makes stale."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, ReturnDocument
from pymongo.errors import DuplicateKeyError

from backend_shared.accounts.models import SignupIn, TokenPair, UserUpdate
from backend_shared.auth.guesses import Counter, GuessLimiter
from backend_shared.auth.passwords import hash_password, verify_password
from backend_shared.auth.refresh import IssuedRefreshToken, RefreshTokenStore, RevokedSession
from backend_shared.auth.tokens import Principal, TokenService
from backend_shared.clock import utcnow
from backend_shared.db import Database
from backend_shared.errors import Conflict, Unauthorized
from backend_shared.settings import AccountSettings
from backend_shared.text import fold_identifier

USERS = "users"
DEFAULT_ROLES = ("user",)
REVOKED_SESSIONS_KEPT = 100


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
        "token_version": 0,
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
    *,
    db: Database,
    refresh_tokens: RefreshTokenStore,
    guesses: GuessLimiter,
    settings: AccountSettings,
    user: dict[str, Any],
    data: UserUpdate,
    client_address: str,
) -> dict[str, Any]:
    if data.current_password is not None:
        await check_guess(
            db=db,
            guesses=guesses,
            settings=settings,
            email=user["email"],
            user=user,
            password=data.current_password,
            client_address=client_address,
            error=Unauthorized("The current password is incorrect", field="current_password"),
        )
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
    # A new password ends every session: each older access token's version is now stale.
    bump = {"$inc": {"token_version": 1}} if data.password is not None else {}
    try:
        updated = await db[USERS].find_one_and_update(
            {"_id": user["_id"]},
            {"$set": changes, **bump},
            return_document=ReturnDocument.AFTER,
        )
    except DuplicateKeyError:
        raise Conflict("An account with this email already exists", field="email") from None
    if updated is None:
        raise Unauthorized("The account no longer exists")
    if data.password is not None:
        await refresh_tokens.revoke_all(user["_id"])
    return updated


def guess_counters(settings: AccountSettings, *, email: str, client_address: str) -> list[Counter]:
    account = normalise_email(email)
    return [
        Counter(f"account-address:{account}:{client_address}", settings.login_max_failures),
        Counter(f"account:{account}", settings.login_account_max_failures),
        Counter(f"address:{client_address}", settings.login_address_max_failures),
    ]


async def check_guess(
    *,
    db: Database,
    guesses: GuessLimiter,
    settings: AccountSettings,
    email: str,
    user: dict[str, Any] | None,
    password: str,
    client_address: str,
    error: Unauthorized,
) -> None:
    """Count a password guess before checking it (RateLimited when the budget is spent),
    give it back when it is right, raise `error` when it is wrong."""
    counters = guess_counters(settings, email=email, client_address=client_address)
    await guesses.consume(counters)
    if not await check_password(db=db, user=user, password=password):
        raise error
    await guesses.refund(counters)


async def login(
    *,
    db: Database,
    tokens: TokenService,
    refresh_tokens: RefreshTokenStore,
    guesses: GuessLimiter,
    settings: AccountSettings,
    email: str,
    password: str,
    client_address: str,
) -> TokenPair:
    user = await find_by_email(db=db, email=email)
    await check_guess(
        db=db,
        guesses=guesses,
        settings=settings,
        email=email,
        user=user,
        password=password,
        client_address=client_address,
        error=Unauthorized("Incorrect email or password"),
    )
    assert user is not None  # check_guess raised for a missing account (dummy hash)
    if user.get("disabled_at") is not None:
        raise Unauthorized("Incorrect email or password")
    return await issue_tokens(tokens=tokens, refresh_tokens=refresh_tokens, user=user)


async def issue_tokens(
    *,
    tokens: TokenService,
    refresh_tokens: RefreshTokenStore,
    user: dict[str, Any],
    refresh_token: IssuedRefreshToken | None = None,
) -> TokenPair:
    """An access token for `user` in the session of `refresh_token`, or a new session."""
    session = refresh_token or await refresh_tokens.issue(user["_id"])
    access = tokens.issue_access_token(
        str(user["_id"]),
        roles=set(user.get("roles", [])),
        session_id=session.family_id,
        token_version=user.get("token_version", 0),
    )
    return TokenPair(
        access_token=access.token, expires_in=access.expires_in, refresh_token=session.token
    )


async def refresh(
    *, db: Database, tokens: TokenService, refresh_tokens: RefreshTokenStore, refresh_token: str
) -> TokenPair:
    rotated = await refresh_tokens.rotate(refresh_token)
    user = await get_user(db=db, user_id=rotated.user_id)
    if user is None or user.get("disabled_at") is not None:
        raise Unauthorized("The account no longer exists")
    return await issue_tokens(
        tokens=tokens,
        refresh_tokens=refresh_tokens,
        user=user,
        refresh_token=rotated.refresh_token,
    )


async def logout(
    *, db: Database, refresh_tokens: RefreshTokenStore, refresh_token: str, access_ttl_seconds: int
) -> RevokedSession | None:
    """End one session: its refresh family, and every access token carrying its `sid`."""
    session = await refresh_tokens.revoke(refresh_token)
    if session is not None:
        # Remembered until the session's last access token has expired; capped, so a list
        # of logged-out sessions cannot grow without bound.
        until = utcnow() + timedelta(seconds=access_ttl_seconds)
        await db[USERS].update_one(
            {"_id": session.user_id},
            {
                "$push": {
                    "revoked_sessions": {
                        "$each": [{"sid": session.family_id, "until": until}],
                        "$slice": -REVOKED_SESSIONS_KEPT,
                    }
                }
            },
        )
    return session


async def disable_user(
    *, db: Database, refresh_tokens: RefreshTokenStore, user_id: ObjectId
) -> dict[str, Any] | None:
    """Disable an account: it cannot log in, and its tokens stop working at once."""
    now = utcnow()
    disabled = await db[USERS].find_one_and_update(
        {"_id": user_id},
        {"$set": {"disabled_at": now, "updated_at": now}, "$inc": {"token_version": 1}},
        return_document=ReturnDocument.AFTER,
    )
    await refresh_tokens.revoke_all(user_id)
    return disabled


def check_session(*, account: dict[str, Any] | None, principal: Principal) -> dict[str, Any]:
    """The account a verified token speaks for, if that session is still alive: the
    account exists, is not disabled, its token version matches, the session was not
    logged out. One rule for every route and socket."""
    if account is None:
        raise Unauthorized("The account no longer exists")
    if account.get("disabled_at") is not None:
        raise Unauthorized("The account is disabled")
    if principal.token_version != account.get("token_version", 0):
        raise Unauthorized("The session has ended; log in again")
    sid = principal.session_id
    if sid is not None and any(s["sid"] == sid for s in account.get("revoked_sessions", ())):
        raise Unauthorized("The session has been logged out")
    return account
