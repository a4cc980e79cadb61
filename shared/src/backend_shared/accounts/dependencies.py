"""The signed-in account: the verified token's subject, loaded and checked on every
request, so a deleted or disabled account, a changed password or a logged-out session
stops working at once, and a role taken away is gone on the next request."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from bson import ObjectId
from fastapi import Depends, Request

from backend_shared.accounts import service
from backend_shared.auth.dependencies import BearerToken, verify_bearer
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


async def current_account(request: Request, token: BearerToken) -> dict[str, Any]:
    # One dependency for the token, its verification and the account (see
    # get_current_principal); `app.state.db` is read per request, as `get_db` reads it.
    principal = await verify_bearer(request, token)
    return await get_current_account(principal=principal, db=request.app.state.db)


CurrentAccount = Annotated[dict[str, Any], Depends(current_account)]


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
