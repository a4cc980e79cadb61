"""The signed-in account: the verified token's subject, loaded and checked on every
request, so a deleted or disabled account, a changed password or a logged-out session
stops working at once, and a role taken away is gone on the next request."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from bson import ObjectId
from fastapi import Depends

from backend_shared.accounts import service
from backend_shared.auth.dependencies import CurrentPrincipal
from backend_shared.deps import DbDep
from backend_shared.errors import Forbidden, Unauthorized
from backend_shared.ids import parse_object_id


async def get_current_account(principal: CurrentPrincipal, db: DbDep) -> dict[str, Any]:
    user_id = parse_object_id(principal.id)
    if user_id is None:  # a valid signature on a subject this service never issued
        raise Unauthorized("The access token is invalid")
    account = await service.get_user(db=db, user_id=user_id)
    return service.check_session(account=account, principal=principal)


CurrentAccount = Annotated[dict[str, Any], Depends(get_current_account)]


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
