"""`/auth/*` (sign-up, log-in, refresh, log-out) and `/users/me`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, status
from fastapi.security import OAuth2PasswordRequestForm

from backend_shared.accounts import flows, service
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
from backend_shared.deps import (
    ClientAddressDep,
    DbDep,
    GuessesDep,
    RedisDep,
    RefreshTokensDep,
)
from backend_shared.openapi import error_responses
from backend_shared.settings import AccountSettings
from backend_shared.state import service_state


async def account_settings(request: Request) -> AccountSettings:
    settings = service_state(request.app).settings
    assert isinstance(settings, AccountSettings)
    return settings


AccountSettingsDep = Annotated[AccountSettings, Depends(account_settings)]

auth_router = APIRouter(prefix="/auth", tags=["auth"])
users_router = APIRouter(prefix="/users", tags=["users"])


@auth_router.post(
    "/signup",
    status_code=status.HTTP_201_CREATED,
    summary="Create an account",
    responses=error_responses(409, 422),
)
async def signup(data: SignupIn, db: DbDep, settings: AccountSettingsDep) -> UserPublic:
    roles = tuple(settings.default_account_roles)
    return UserPublic.from_doc(await service.create_user(db=db, data=data, roles=roles))


class Authenticator:
    """Everything a log-in needs from the request, so both log-in routes share one call."""

    def __init__(
        self,
        db: DbDep,
        tokens: TokenServiceDep,
        refresh_tokens: RefreshTokensDep,
        guesses: GuessesDep,
        settings: AccountSettingsDep,
        client_address: ClientAddressDep,
    ) -> None:
        self.db = db
        self.tokens = tokens
        self.refresh_tokens = refresh_tokens
        self.guesses = guesses
        self.settings = settings
        self.client_address = client_address

    async def login(self, *, email: str, password: str) -> TokenPair:
        return await service.login(
            db=self.db,
            tokens=self.tokens,
            refresh_tokens=self.refresh_tokens,
            guesses=self.guesses,
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
    summary="Log out: end the session of this refresh token",
    description="The refresh token's family is revoked, and every access token of the same "
    "session stops working at once.",
    responses=error_responses(422),
)
async def logout(
    data: RefreshIn,
    db: DbDep,
    refresh_tokens: RefreshTokensDep,
    redis: RedisDep,
    settings: AccountSettingsDep,
) -> None:
    ended = await service.logout(
        db=db,
        refresh_tokens=refresh_tokens,
        refresh_token=data.refresh_token,
        access_ttl_seconds=settings.access_token_ttl_seconds,
    )
    if ended is not None:
        await flows.sessions_ended(
            redis=redis,
            service_name=settings.service_name,
            user_id=str(ended.user_id),
            session_id=ended.family_id,
        )


@users_router.get("/me", summary="My account", responses=error_responses(401))
async def read_me(account: CurrentAccount) -> UserPublic:
    return UserPublic.from_doc(account)


@users_router.patch(
    "/me",
    summary="Change my display name, email or password",
    description="A new email or password needs `current_password`, whose guesses are "
    "limited like log-ins. A new password ends every session: all refresh tokens are revoked "
    "and every access token issued before it stops working, this one included.",
    responses=error_responses(401, 409, 422, 429),
)
async def update_me(
    data: UserUpdate,
    account: CurrentAccount,
    db: DbDep,
    refresh_tokens: RefreshTokensDep,
    guesses: GuessesDep,
    settings: AccountSettingsDep,
    client_address: ClientAddressDep,
    redis: RedisDep,
) -> UserPublic:
    updated = await service.update_user(
        db=db,
        refresh_tokens=refresh_tokens,
        guesses=guesses,
        settings=settings,
        user=account,
        data=data,
        client_address=client_address,
    )
    if data.password is not None:
        await flows.sessions_ended(
            redis=redis, service_name=settings.service_name, user_id=str(account["_id"])
        )
    return UserPublic.from_doc(updated)
