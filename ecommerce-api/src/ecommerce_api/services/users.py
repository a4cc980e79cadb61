"""Roles: the admin bootstrapped at start-up, the admin's list of accounts and role changes.

The accounts themselves (sign-up, log-in, /users/me) are the shared package's; this module
only reads and changes their `roles`."""

from __future__ import annotations

import logging
from typing import Any

from bson import ObjectId
from pymongo import DESCENDING, ReturnDocument

from backend_shared.accounts import service as accounts
from backend_shared.accounts.models import SignupIn
from backend_shared.clock import utcnow
from backend_shared.db import Database
from backend_shared.errors import Conflict, NotFound
from backend_shared.pagination import PageParams
from ecommerce_api.models.users import Role
from ecommerce_api.paging import find_page
from ecommerce_api.services import audit
from ecommerce_api.services.collections import USERS

logger = logging.getLogger("ecommerce_api.users")


async def bootstrap_admin(*, db: Database, email: str | None, password: str | None) -> None:
    """Create the first admin from ADMIN_EMAIL / ADMIN_PASSWORD if that account does not
    exist yet. An existing account is left as it is (its password and role included)."""
    if not email or not password:
        return
    if await accounts.find_by_email(db=db, email=email) is not None:
        return
    try:
        await accounts.create_user(
            db=db, data=SignupIn(email=email, password=password), roles=(Role.ADMIN.value,)
        )
    except Conflict:  # another instance bootstrapped it at the same moment
        return
    logger.info("bootstrapped the admin account %s", email)


async def list_users(
    *, db: Database, page: PageParams, role: Role | None
) -> tuple[list[dict[str, Any]], int]:
    query: dict[str, Any] = {}
    if role is Role.ADMIN:
        query["roles"] = Role.ADMIN.value
    elif role is Role.CUSTOMER:
        query["roles"] = {"$ne": Role.ADMIN.value}
    return await find_page(
        db[USERS],
        query,
        sort=[("created_at", DESCENDING), ("_id", DESCENDING)],
        page=page,
        projection={"password_hash": 0},
    )


async def change_role(
    *, db: Database, admin_id: ObjectId, user_id: ObjectId, role: Role
) -> dict[str, Any]:
    if user_id == admin_id:
        # Otherwise the last admin could demote themself and nobody could undo it.
        raise Conflict("You cannot change your own role")
    updated = await db[USERS].find_one_and_update(
        {"_id": user_id},
        {"$set": {"roles": [role.value], "updated_at": utcnow()}},
        return_document=ReturnDocument.AFTER,
    )
    if updated is None:
        raise NotFound("User not found")
    await audit.record(
        db=db,
        actor_id=admin_id,
        action="user.role_changed",
        target_type="user",
        target_id=str(user_id),
        details={"role": role.value},
    )
    return updated
