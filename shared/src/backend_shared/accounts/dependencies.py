"""The signed-in account: the verified token's subject, loaded and checked on every
request, so a deleted or disabled account, a changed password or a logged-out session
stops working at once, and a role taken away is gone on the next request."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from bson import ObjectId
from fastapi import Depends, Request
from fastapi.security.base import SecurityBase

from backend_shared.accounts import service
from backend_shared.auth.dependencies import oauth2_scheme, verify_bearer
from backend_shared.auth.tokens import Principal
from backend_shared.db import Database
from backend_shared.errors import Forbidden, Unauthorized
from backend_shared.ids import parse_object_id


async def get_current_account(*, principal: Principal, db: Database) -> dict[str, Any]:
    """The account a verified token speaks for, read and checked (the one rule for every
    route and socket)."""
    user_id = parse_object_id(principal.id)
    if user_id is None:  # a valid signature on a subject this service never issued
        raise Unauthorized("The access token is invalid")
    account = await service.get_user(db=db, user_id=user_id)
    return service.check_session(account=account, principal=principal)


class _AccountScheme(SecurityBase):
    """What `CurrentAccount` depends on: the OAuth2 bearer scheme (OpenAPI documents it as
    it documents `oauth2_scheme`) that also verifies the token and checks the session.
    FastAPI solves every dependency of a route on every request, a few microseconds apiece,
    and this is the one on every signed-in request."""

    def __init__(self) -> None:
        self.model = oauth2_scheme.model
        self.scheme_name = oauth2_scheme.scheme_name

    async def __call__(self, request: Request) -> dict[str, Any]:
        principal = await verify_bearer(request, await oauth2_scheme(request))
        # `app.state.db` is read per request, as `get_db` reads it.
        return await get_current_account(principal=principal, db=request.app.state.db)


CurrentAccount = Annotated[dict[str, Any], Depends(_AccountScheme())]


async def current_user_id(account: CurrentAccount) -> ObjectId:
    user_id: ObjectId = account["_id"]
    return user_id


CurrentUserId = Annotated[ObjectId, Depends(current_user_id)]


def require_account_roles(*roles: str) -> Callable[..., Awaitable[dict[str, Any]]]:
    """A dependency that admits an account holding one of `roles`, read from the account
    itself (not the token): a demoted admin is refused on the very next request."""
    allowed = frozenset(roles)

    async def check(account: CurrentAccount) -> dict[str, Any]:
        if not allowed & set(account.get("roles", ())):
            raise Forbidden("You do not have permission to do this")
        return account

    return check
