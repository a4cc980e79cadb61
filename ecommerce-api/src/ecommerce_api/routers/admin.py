"""Admin: accounts and their roles, and the audit log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from backend_shared.deps import DbDep
from backend_shared.openapi import error_responses
from backend_shared.pagination import Page, PageDep
from ecommerce_api.dependencies import AdminId, ValidUserId
from ecommerce_api.models.audit import AuditEntryPublic
from ecommerce_api.models.users import AdminUserPublic, Role, RoleUpdate
from ecommerce_api.paging import page_of
from ecommerce_api.services import audit, users

router = APIRouter(prefix="/admin", tags=["admin"])


@router.get(
    "/users", summary="Accounts, newest first (admin)", responses=error_responses(401, 403, 422)
)
async def list_users(
    _: AdminId,
    db: DbDep,
    page: PageDep,
    role: Annotated[Role | None, Query(description="Only accounts with this role")] = None,
) -> Page[AdminUserPublic]:
    items, total = await users.list_users(db=db, page=page, role=role)
    return page_of(items, total, page, AdminUserPublic.from_doc)


@router.patch(
    "/users/{user_id}",
    summary="Change an account's role (admin)",
    description="Takes effect on the account's next request, whatever its token says. "
    "An admin cannot change their own role (409).",
    responses=error_responses(401, 403, 404, 409, 422),
)
async def change_role(
    admin_id: AdminId, user_id: ValidUserId, data: RoleUpdate, db: DbDep
) -> AdminUserPublic:
    updated = await users.change_role(db=db, admin_id=admin_id, user_id=user_id, role=data.role)
    return AdminUserPublic.from_doc(updated)


@router.get(
    "/audit",
    summary="What admins did, newest first (admin)",
    responses=error_responses(401, 403, 422),
)
async def list_audit(
    _: AdminId,
    db: DbDep,
    page: PageDep,
    action: Annotated[
        str | None, Query(max_length=50, description="Only this action, e.g. product.created")
    ] = None,
) -> Page[AuditEntryPublic]:
    items, total = await audit.list_entries(db=db, page=page, action=action)
    return page_of(items, total, page, AuditEntryPublic.from_doc)
