"""`/notifications`: the messages sent to the signed-in user, newest first."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from backend_shared.auth.dependencies import CurrentPrincipal
from backend_shared.deps import DbDep
from backend_shared.openapi import error_responses
from backend_shared.pagination import Page, PageDep
from notifier.store import NOTIFICATIONS
from shop_platform.paging import find_page, page_of

router = APIRouter(prefix="/notifications", tags=["notifications"])

NEWEST_FIRST = [("created_at", -1), ("_id", -1)]


class NotificationPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": "5f0c6c1e8f3a4d2b9e7a1c3d5b7f9e11",
                "kind": "order_confirmed",
                "to": "ada@example.com",
                "subject": "Order 665f1c2ab1e4c2a1d3f0e9b7 is confirmed",
                "body": "Your order is confirmed: ...",
                "status": "sent",
                "created_at": "2026-11-22T09:30:00Z",
            }
        }
    )

    id: str
    kind: Literal["welcome", "order_confirmed", "order_rejected"]
    to: str
    subject: str
    body: str
    status: Literal["sending", "sent"]
    created_at: datetime

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> NotificationPublic:
        return cls(id=doc["_id"], **{k: doc[k] for k in cls.model_fields if k != "id"})


@router.get("", summary="Messages sent to me, newest first", responses=error_responses(401, 422))
async def list_notifications(
    principal: CurrentPrincipal, db: DbDep, page: PageDep
) -> Page[NotificationPublic]:
    docs, total = await find_page(
        db[NOTIFICATIONS], {"user_id": principal.id}, sort=NEWEST_FIRST, page=page
    )
    return page_of(docs, total, page, NotificationPublic.from_doc)
