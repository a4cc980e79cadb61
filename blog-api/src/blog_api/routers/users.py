"""Registration, login, and the signed-in user's own account."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, status

from backend_shared.auth.dependencies import TokenServiceDep
from backend_shared.auth.tokens import TokenService
from backend_shared.deps import ClientAddressDep, DbDep, GuessesDep
from blog_api import flows
from blog_api.auth import CurrentToken, CurrentUser, TokenFirstRoute
from blog_api.dependencies import CacheDep, SettingsDep
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
    """`user` with a new token, valid until it expires or the password changes."""
    token = tokens.issue_access_token(
        str(user["_id"]), token_version=user.get("token_version", 0)
    ).token
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
    description="Wrong passwords are limited per account and address, per account, and per "
    "address; past a limit the answer is 429 with `Retry-After`, whatever the password.",
    operation_id="Login",
    responses=error_responses(
        401, 422, 429, 503, invalid="email", unauthorized=("credentials", "invalid")
    ),
)
async def login(
    body: LoginUserRequest,
    db: DbDep,
    tokens: TokenServiceDep,
    guesses: GuessesDep,
    settings: SettingsDep,
    client_address: ClientAddressDep,
) -> UserEnvelope:
    user = await users.authenticate(
        db=db,
        guesses=guesses,
        settings=settings,
        email=body.user.email,
        password=body.user.password,
        client_address=client_address,
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
    description="Only the fields sent change. A blank `bio` or `image` clears it. A new "
    "`password` ends every earlier session: each token issued before it is refused from now "
    "on, this one included; the response carries a fresh `token` to use instead.",
    operation_id="UpdateCurrentUser",
    responses=error_responses(401, 409, 422, invalid="email"),
)
async def update_current_user(
    body: UpdateUserRequest,
    user: CurrentUser,
    token: CurrentToken,
    db: DbDep,
    cache: CacheDep,
    tokens: TokenServiceDep,
) -> UserEnvelope:
    updated = await users.update_user(db=db, user=user, data=body.user)
    await flows.account_updated(db=db, cache=cache, before=user, after=updated)
    if users.ends_sessions(before=user, after=updated):
        return _signed_in(tokens, updated)
    return UserEnvelope(user=User.from_doc(updated, token=token))
