"""A room's history, editing and deleting my messages, and read receipts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from backend_shared.accounts.dependencies import CurrentUserId
from backend_shared.deps import DbDep
from backend_shared.errors import NotFound
from backend_shared.ids import parse_object_id
from backend_shared.openapi import error_responses
from realtime_chat import flows
from realtime_chat.dependencies import (
    BroadcasterDep,
    FloodChecked,
    MemberRoom,
    SettingsDep,
    VisibleRoom,
)
from realtime_chat.models.messages import (
    MessageEdit,
    MessagePublic,
    MessagesPage,
    ReadReceiptIn,
    ReadReceiptPublic,
)
from realtime_chat.services import messages

router = APIRouter(prefix="/rooms/{room_id}", tags=["messages"])


@router.get(
    "/messages",
    summary="History, newest first, by cursor",
    description="Pass the previous page's `next_before` as `before` for older messages. "
    "The cursor is a message id, so messages sent meanwhile never shift or repeat a page.",
    responses=error_responses(401, 404, 422),
)
async def history(
    access: VisibleRoom,
    db: DbDep,
    before: Annotated[
        str | None, Query(description="Only messages older than this message id")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100, description="How many messages")] = 50,
) -> MessagesPage:
    cursor = parse_object_id(before) if before is not None else None
    if before is not None and cursor is None:
        raise NotFound("Message not found")
    items, next_before = await messages.history(
        db=db, room_id=access.room["_id"], before=cursor, limit=limit
    )
    return MessagesPage(
        items=[MessagePublic.from_doc(item) for item in items], next_before=next_before
    )


@router.patch(
    "/messages/{message_id}",
    summary="Edit my message",
    description="Counts against my flood limit, like sending a message.",
    responses=error_responses(401, 403, 404, 409, 422, 429, 503),
    dependencies=[FloodChecked],
)
async def edit_message(
    access: VisibleRoom,
    message_id: str,
    data: MessageEdit,
    user_id: CurrentUserId,
    db: DbDep,
    settings: SettingsDep,
    broadcaster: BroadcasterDep,
) -> MessagePublic:
    return await flows.edit_message(
        db=db,
        broadcast=broadcaster,
        room_id=access.room["_id"],
        message_id=message_id,
        user_id=user_id,
        body=data.body,
        max_chars=settings.message_max_chars,
    )


@router.delete(
    "/messages/{message_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete my message (a tombstone keeps its place in the history)",
    description="Counts against my flood limit, like sending a message.",
    responses=error_responses(401, 403, 404, 429, 503),
    dependencies=[FloodChecked],
)
async def delete_message(
    access: VisibleRoom,
    message_id: str,
    user_id: CurrentUserId,
    db: DbDep,
    broadcaster: BroadcasterDep,
) -> None:
    await flows.delete_message(
        db=db,
        broadcast=broadcaster,
        room_id=access.room["_id"],
        message_id=message_id,
        user_id=user_id,
    )


@router.post(
    "/read",
    summary="Mark the room read up to a message",
    description="The marker only moves forward; it drives `unread_count` in the room list.",
    responses=error_responses(401, 403, 404, 422),
)
async def mark_read(
    access: MemberRoom,
    data: ReadReceiptIn,
    db: DbDep,
    broadcaster: BroadcasterDep,
) -> ReadReceiptPublic:
    assert access.membership is not None  # MemberRoom guarantees it
    return await flows.mark_read(
        db=db, broadcast=broadcaster, membership=access.membership, message_id=data.message_id
    )
