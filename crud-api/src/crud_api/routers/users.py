"""The signed-in user's own account."""

from __future__ import annotations

from backend_shared.deps import DbDep, RefreshTokensDep
from backend_shared.openapi import error_responses
from fastapi import APIRouter

from crud_api.dependencies import CurrentAccount
from crud_api.models.users import UserPublic, UserUpdate
from crud_api.services import users

router = APIRouter(prefix="/users", tags=["users"])


@router.get("/me", summary="My account", responses=error_responses(401))
async def read_me(account: CurrentAccount) -> UserPublic:
    return UserPublic.from_doc(account)


@router.patch(
    "/me",
    summary="Change my name, email or password",
    description="A new email or password needs `current_password`; a new password logs "
    "out every session (all refresh tokens are revoked).",
    responses=error_responses(401, 409, 422),
)
async def update_me(
    data: UserUpdate, account: CurrentAccount, db: DbDep, refresh_tokens: RefreshTokensDep
) -> UserPublic:
    updated = await users.update_user(db=db, refresh_tokens=refresh_tokens, user=account, data=data)
    return UserPublic.from_doc(updated)
