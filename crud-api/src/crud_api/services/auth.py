"""Logging in, refreshing and logging out. Failed logins are rate limited per account and
per client address; successes never clear a counter, so an attacker's failures from one
address are not forgiven by the real user logging in from another."""

from __future__ import annotations

from typing import Any

from backend_shared.auth.refresh import RefreshTokenStore
from backend_shared.auth.tokens import TokenService
from backend_shared.db import Database
from backend_shared.errors import Unauthorized
from backend_shared.ratelimit import RateLimiter
from backend_shared.settings import BaseServiceSettings

from crud_api.models.users import TokenPair
from crud_api.services import users


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
        f"login-failures:account:{users.normalise_email(email)}",
        f"login-failures:address:{client_address}",
    )
    for key in counters:
        await limiter.check(key=key, limit=limit, window_seconds=window)

    user = await users.find_by_email(db=db, email=email)
    if not await users.check_password(db=db, user=user, password=password):
        for key in counters:
            await limiter.hit(key=key, limit=limit, window_seconds=window)
        raise Unauthorized("Incorrect email or password")
    assert user is not None  # check_password is False for a missing user
    return await issue_tokens(tokens=tokens, refresh_tokens=refresh_tokens, user=user)


async def issue_tokens(
    *,
    tokens: TokenService,
    refresh_tokens: RefreshTokenStore,
    user: dict[str, Any],
    family_refresh_token: str | None = None,
) -> TokenPair:
    access = tokens.issue_access_token(str(user["_id"]), roles=set(user.get("roles", [])))
    refresh = family_refresh_token or await refresh_tokens.issue(user["_id"])
    return TokenPair(access_token=access.token, expires_in=access.expires_in, refresh_token=refresh)


async def refresh(
    *, db: Database, tokens: TokenService, refresh_tokens: RefreshTokenStore, refresh_token: str
) -> TokenPair:
    rotated = await refresh_tokens.rotate(refresh_token)
    user = await users.get_user(db=db, user_id=rotated.user_id)
    if user is None:
        raise Unauthorized("The account no longer exists")
    return await issue_tokens(
        tokens=tokens,
        refresh_tokens=refresh_tokens,
        user=user,
        family_refresh_token=rotated.refresh_token,
    )
