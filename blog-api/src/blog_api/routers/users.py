"""Registration, login, and the signed-in user's own account."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, status

from backend_shared.auth.dependencies import TokenServiceDep
from backend_shared.auth.tokens import TokenService
from backend_shared.deps import DbDep, RateLimiterDep
from blog_api.auth import CurrentToken, TokenFirstRoute
from blog_api.dependencies import CacheDep, CurrentUser, SettingsDep
from blog_api.errors import error_responses
from blog_api.models.users import (
    LoginUserRequest,
    NewUserRequest,
    UpdateUserRequest,
    User,
    UserEnvelope,
)
from blog_api.services import users

router = APIRouter(prefix="/api", tags=["User and Authentication"], route_class=TokenFirstRoute)


def _signed_in(tokens: TokenService, user: dict[str, Any]) -> UserEnvelope:
    token = tokens.issue_access_token(str(user["_id"])).token
    return UserEnvelope(user=User.from_doc(user, token=token))


@router.post(
    "/users",
    status_code=status.HTTP_201_CREATED,
    summary="Register",
    operation_id="CreateUser",
    responses=error_responses(409, 422, invalid="email"),
)
async def register(body: NewUserRequest, db: DbDep, tokens: TokenServiceDep) -> UserEnvelope:
    return _signed_in(tokens, await users.create_user(db=db, data=body.user))


@router.post(
    "/users/login",
    summary="Log in",
    operation_id="Login",
    responses=error_responses(
        401, 422, 429, invalid="email", unauthorized=("credentials", "invalid")
    ),
)
async def login(
    body: LoginUserRequest,
    db: DbDep,
    tokens: TokenServiceDep,
    limiter: RateLimiterDep,
    settings: SettingsDep,
) -> UserEnvelope:
    user = await users.authenticate(
        db=db,
        limiter=limiter,
        max_failures=settings.login_max_failures,
        window_seconds=settings.login_window_seconds,
        email=body.user.email,
        password=body.user.password,
    )
    return _signed_in(tokens, user)


@router.get(
    "/user",
    summary="The current user",
    operation_id="GetCurrentUser",
    responses=error_responses(401),
)
async def read_current_user(user: CurrentUser, token: CurrentToken) -> UserEnvelope:
    return UserEnvelope(user=User.from_doc(user, token=token))


@router.put(
    "/user",
    summary="Update the current user",
    description="Only the fields sent change. A blank `bio` or `image` clears it.",
    operation_id="UpdateCurrentUser",
    responses=error_responses(401, 409, 422, invalid="email"),
)
async def update_current_user(
    body: UpdateUserRequest, user: CurrentUser, token: CurrentToken, db: DbDep, cache: CacheDep
) -> UserEnvelope:
    updated = await users.update_user(db=db, cache=cache, user=user, data=body.user)
    return UserEnvelope(user=User.from_doc(updated, token=token))
