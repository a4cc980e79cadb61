"""`/auth/*` (sign-up, log-in, refresh, log-out) and `/users/me`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, status
from fastapi.security import OAuth2PasswordRequestForm

from backend_shared.accounts import service
from backend_shared.accounts.dependencies import CurrentAccount
from backend_shared.accounts.models import (
    LoginIn,
    RefreshIn,
    SignupIn,
    TokenPair,
    UserPublic,
    UserUpdate,
)
from backend_shared.auth.dependencies import TokenServiceDep
from backend_shared.deps import ClientAddressDep, DbDep, RateLimiterDep, RefreshTokensDep
from backend_shared.openapi import error_responses

auth_router = APIRouter(prefix="/auth", tags=["auth"])
users_router = APIRouter(prefix="/users", tags=["users"])


@auth_router.post(
    "/signup",
    status_code=status.HTTP_201_CREATED,
    summary="Create an account",
    responses=error_responses(409, 422),
)
async def signup(data: SignupIn, db: DbDep, request: Request) -> UserPublic:
    roles = tuple(request.app.state.settings.default_account_roles)
    return UserPublic.from_doc(await service.create_user(db=db, data=data, roles=roles))


class Authenticator:
    """Everything a log-in needs from the request, so both log-in routes share one call."""

    def __init__(
        self,
        request: Request,
        db: DbDep,
        tokens: TokenServiceDep,
        refresh_tokens: RefreshTokensDep,
        limiter: RateLimiterDep,
        client_address: ClientAddressDep,
    ) -> None:
        self.db = db
        self.tokens = tokens
        self.refresh_tokens = refresh_tokens
        self.limiter = limiter
        self.settings = request.app.state.settings
        self.client_address = client_address

    async def login(self, *, email: str, password: str) -> TokenPair:
        return await service.login(
            db=self.db,
            tokens=self.tokens,
            refresh_tokens=self.refresh_tokens,
            limiter=self.limiter,
            settings=self.settings,
            email=email,
            password=password,
            client_address=self.client_address,
        )


AuthenticatorDep = Annotated[Authenticator, Depends()]


@auth_router.post(
    "/login",
    summary="Log in with email and password (JSON)",
    responses=error_responses(401, 422, 429),
)
async def login(data: LoginIn, authenticator: AuthenticatorDep) -> TokenPair:
    return await authenticator.login(email=data.email, password=data.password)


@auth_router.post(
    "/token",
    summary="Log in with the OAuth2 password form (Swagger's Authorize button uses it)",
    description="`username` is the account's email.",
    responses=error_responses(401, 422, 429),
)
async def token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()], authenticator: AuthenticatorDep
) -> TokenPair:
    return await authenticator.login(email=form.username, password=form.password)


@auth_router.post(
    "/refresh",
    summary="Trade a refresh token for a new pair (the old one is spent)",
    description="Presenting an already-spent refresh token revokes its whole family.",
    responses=error_responses(401, 422),
)
async def refresh(
    data: RefreshIn, db: DbDep, tokens: TokenServiceDep, refresh_tokens: RefreshTokensDep
) -> TokenPair:
    return await service.refresh(
        db=db, tokens=tokens, refresh_tokens=refresh_tokens, refresh_token=data.refresh_token
    )


@auth_router.post(
    "/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Revoke a refresh token (and its rotation family)",
    responses=error_responses(422),
)
async def logout(data: RefreshIn, refresh_tokens: RefreshTokensDep) -> None:
    await refresh_tokens.revoke(data.refresh_token)


@users_router.get("/me", summary="My account", responses=error_responses(401))
async def read_me(account: CurrentAccount) -> UserPublic:
    return UserPublic.from_doc(account)


@users_router.patch(
    "/me",
    summary="Change my display name, email or password",
    description="A new email or password needs `current_password`; a new password logs "
    "out every session (all refresh tokens are revoked).",
    responses=error_responses(401, 409, 422),
)
async def update_me(
    data: UserUpdate, account: CurrentAccount, db: DbDep, refresh_tokens: RefreshTokensDep
) -> UserPublic:
    updated = await service.update_user(
        db=db, refresh_tokens=refresh_tokens, user=account, data=data
    )
    return UserPublic.from_doc(updated)
