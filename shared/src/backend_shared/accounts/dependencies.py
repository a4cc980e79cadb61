"""The signed-in account, loaded from the verified token's subject."""

from __future__ import annotations

from typing import Annotated, Any

from bson import ObjectId
from fastapi import Depends

from backend_shared.accounts import service
from backend_shared.auth.dependencies import CurrentUser
from backend_shared.deps import DbDep
from backend_shared.errors import Unauthorized
from backend_shared.ids import parse_object_id


def current_user_id(principal: CurrentUser) -> ObjectId:
    user_id = parse_object_id(principal.id)
    if user_id is None:  # a valid signature on a subject this service never issued
        raise Unauthorized("The access token is invalid")
    return user_id


CurrentUserId = Annotated[ObjectId, Depends(current_user_id)]


async def get_current_account(user_id: CurrentUserId, db: DbDep) -> dict[str, Any]:
    user = await service.get_user(db=db, user_id=user_id)
    if user is None:
        raise Unauthorized("The account no longer exists")
    return user


CurrentAccount = Annotated[dict[str, Any], Depends(get_current_account)]
