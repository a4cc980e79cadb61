"""The first admin, created at start-up from ADMIN_EMAIL / ADMIN_PASSWORD when both are set
and the account does not exist yet (an existing account is left as it is)."""

from __future__ import annotations

import logging

from backend_shared.accounts.models import SignupIn
from backend_shared.accounts.service import create_user, find_by_email
from backend_shared.db import Database
from backend_shared.errors import Conflict

logger = logging.getLogger("identity.admin")

ADMIN_ROLE = "admin"


async def bootstrap_admin(*, db: Database, email: str | None, password: str | None) -> None:
    if not email or not password:
        return
    if await find_by_email(db=db, email=email) is not None:
        return
    try:
        await create_user(db=db, data=SignupIn(email=email, password=password), roles=(ADMIN_ROLE,))
    except Conflict:  # another instance bootstrapped it at the same moment
        return
    logger.info("bootstrapped the admin account %s", email)
