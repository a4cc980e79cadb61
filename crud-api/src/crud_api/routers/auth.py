"""Sign-up, log-in (JSON and OAuth2 form), refresh and log-out."""

from __future__ import annotations

from typing import Annotated

from backend_shared.auth.dependencies import TokenServiceDep
from backend_shared.deps import ClientAddressDep, DbDep, RateLimiterDep, RefreshTokensDep
from backend_shared.openapi import error_responses
from fastapi import APIRouter, Depends, Request, status
from fastapi.security import OAuth2PasswordRequestForm

from crud_api.models.users import LoginIn, RefreshIn, SignupIn, TokenPair, UserPublic
from crud_api.services import auth, users

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post(
    "/signup",
    status_code=status.HTTP_201_CREATED,
    summary="Create an account",
    responses=error_responses(409, 422),
)
async def signup(data: SignupIn, db: DbDep) -> UserPublic:
    return UserPublic.from_doc(await users.create_user(db=db, data=data))


@router.post(
    "/login",
    summary="Log in with email and password (JSON)",
    responses=error_responses(401, 422, 429),
)
async def login(
    data: LoginIn,
    request: Request,
    db: DbDep,
    tokens: TokenServiceDep,
    refresh_tokens: RefreshTokensDep,
    limiter: RateLimiterDep,
    client_address: ClientAddressDep,
) -> TokenPair:
    return await auth.login(
        db=db,
        tokens=tokens,
        refresh_tokens=refresh_tokens,
        limiter=limiter,
        settings=request.app.state.settings,
        email=data.email,
        password=data.password,
        client_address=client_address,
    )


@router.post(
    "/token",
    summary="Log in with the OAuth2 password form (used by Swagger's Authorize button)",
    responses=error_responses(401, 422, 429),
)
async def token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    request: Request,
    db: DbDep,
    tokens: TokenServiceDep,
    refresh_tokens: RefreshTokensDep,
    limiter: RateLimiterDep,
    client_address: ClientAddressDep,
) -> TokenPair:
    return await auth.login(
        db=db,
        tokens=tokens,
        refresh_tokens=refresh_tokens,
        limiter=limiter,
        settings=request.app.state.settings,
        email=form.username,
        password=form.password,
        client_address=client_address,
    )


@router.post(
    "/refresh",
    summary="Trade a refresh token for a new pair (the old one is spent)",
    responses=error_responses(401, 422),
)
async def refresh(
    data: RefreshIn, db: DbDep, tokens: TokenServiceDep, refresh_tokens: RefreshTokensDep
) -> TokenPair:
    return await auth.refresh(
        db=db, tokens=tokens, refresh_tokens=refresh_tokens, refresh_token=data.refresh_token
    )


@router.post(
    "/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Revoke a refresh token (and its rotation family)",
    responses=error_responses(422),
)
async def logout(data: RefreshIn, refresh_tokens: RefreshTokensDep) -> None:
    await refresh_tokens.revoke(data.refresh_token)
