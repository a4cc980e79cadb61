"""The audit log: who (an admin) did what to which thing, and when."""

from __future__ import annotations

from typing import Any

from bson import ObjectId
from pymongo import DESCENDING

from backend_shared.clock import utcnow
from backend_shared.db import Database
from backend_shared.pagination import PageParams
from ecommerce_api.models.audit import AuditEntryDoc
from ecommerce_api.paging import find_page
from ecommerce_api.services.collections import AUDIT_LOG


async def record(
    *,
    db: Database,
    actor_id: ObjectId,
    action: str,
    target_type: str,
    target_id: str,
    details: dict[str, Any] | None = None,
) -> None:
    entry = AuditEntryDoc(
        actor_id=actor_id,
        action=action,
        target_type=target_type,
        target_id=target_id,
        details=details or {},
        at=utcnow(),
    )
    await db[AUDIT_LOG].insert_one(entry.to_mongo())


async def list_entries(
    *, db: Database, page: PageParams, action: str | None = None
) -> tuple[list[AuditEntryDoc], int]:
    query: dict[str, Any] = {} if action is None else {"action": action}
    docs, total = await find_page(
        db[AUDIT_LOG], query, sort=[("at", DESCENDING), ("_id", DESCENDING)], page=page
    )
    return [AuditEntryDoc.from_mongo(doc) for doc in docs], total
