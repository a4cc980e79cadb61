"""Rooms: create, list, read, join and leave, members and invitations, direct messages."""

from __future__ import annotations

from fastapi import APIRouter, status

from backend_shared.accounts.dependencies import CurrentUserId
from backend_shared.deps import DbDep
from backend_shared.ids import parse_object_id
from backend_shared.openapi import error_responses
from backend_shared.pagination import Page, PageDep
from realtime_chat import flows
from realtime_chat.dependencies import (
    BroadcasterDep,
    MembershipCacheDep,
    PresenceDep,
    VisibleRoom,
)
from realtime_chat.models.rooms import MemberInvite, MemberPublic, RoomCreate, RoomPublic
from realtime_chat.services import messages, rooms

router = APIRouter(prefix="/rooms", tags=["rooms"])
dms_router = APIRouter(prefix="/dms", tags=["direct messages"])


async def _room_public(db: DbDep, access: rooms.RoomAccess, user_id: CurrentUserId) -> RoomPublic:
    memberships = [access.membership] if access.membership else []
    unread = await messages.unread_counts(db=db, user_id=user_id, memberships=memberships)
    return RoomPublic.from_doc(
        access.room,
        is_member=access.membership is not None,
        unread_count=unread.get(access.room["_id"]),
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Create a room (I become its owner)",
    responses=error_responses(401, 422),
)
async def create_room(
    data: RoomCreate, user_id: CurrentUserId, db: DbDep, cache: MembershipCacheDep
) -> RoomPublic:
    access = await rooms.create_room(db=db, cache=cache, owner_id=user_id, data=data)
    return RoomPublic.from_doc(access.room, is_member=True, unread_count=0)


@router.get(
    "",
    summary="Public rooms and mine, newest first, with my unread counts",
    responses=error_responses(401, 422),
)
async def list_rooms(user_id: CurrentUserId, db: DbDep, page: PageDep) -> Page[RoomPublic]:
    items, unread, total = await rooms.list_rooms(db=db, user_id=user_id, page=page)
    return Page(
        items=[
            RoomPublic.from_doc(
                item.room,
                is_member=item.membership is not None,
                unread_count=unread.get(item.room["_id"]),
            )
            for item in items
        ],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


@router.get("/{room_id}", summary="One room", responses=error_responses(401, 404))
async def read_room(access: VisibleRoom, user_id: CurrentUserId, db: DbDep) -> RoomPublic:
    return await _room_public(db, access, user_id)


@router.post(
    "/{room_id}/join",
    summary="Join a public room",
    responses=error_responses(401, 403, 404),
)
async def join_room(
    access: VisibleRoom, user_id: CurrentUserId, db: DbDep, cache: MembershipCacheDep
) -> RoomPublic:
    joined = await rooms.join_room(db=db, cache=cache, access=access, user_id=user_id)
    return await _room_public(db, joined, user_id)


@router.post(
    "/{room_id}/leave",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Leave a room (my open connections leave it too)",
    responses=error_responses(401, 404, 409),
)
async def leave_room(
    access: VisibleRoom,
    user_id: CurrentUserId,
    db: DbDep,
    cache: MembershipCacheDep,
    broadcaster: BroadcasterDep,
    presence: PresenceDep,
) -> None:
    await flows.leave_room(
        db=db, cache=cache, broadcast=broadcaster, presence=presence, access=access, user_id=user_id
    )


@router.get(
    "/{room_id}/members",
    summary="The room's members",
    responses=error_responses(401, 404),
)
async def list_members(access: VisibleRoom, db: DbDep) -> list[MemberPublic]:
    members = await rooms.list_members(db=db, room_id=access.room["_id"])
    return [MemberPublic.model_validate(member) for member in members]


@router.post(
    "/{room_id}/members",
    status_code=status.HTTP_201_CREATED,
    summary="Invite a user (the owner only)",
    responses=error_responses(401, 403, 404, 409, 422),
)
async def invite_member(
    access: VisibleRoom, data: MemberInvite, db: DbDep, cache: MembershipCacheDep
) -> MemberPublic:
    invited_id = parse_object_id(data.user_id)
    assert invited_id is not None  # ObjectIdStr has checked it
    membership = await rooms.invite_member(db=db, cache=cache, access=access, user_id=invited_id)
    name = await rooms.display_name(db=db, user_id=invited_id)
    return MemberPublic.model_validate({**membership, "display_name": name})


@router.delete(
    "/{room_id}/members/{user_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Remove a member (the owner only); their open connections leave the room",
    responses=error_responses(401, 403, 404, 409),
)
async def remove_member(
    access: VisibleRoom,
    user_id: str,
    db: DbDep,
    cache: MembershipCacheDep,
    broadcaster: BroadcasterDep,
    presence: PresenceDep,
) -> None:
    removed_id = parse_object_id(user_id)
    if removed_id is None:
        raise rooms.member_not_found()
    await flows.remove_member(
        db=db,
        cache=cache,
        broadcast=broadcaster,
        presence=presence,
        access=access,
        user_id=removed_id,
    )


@dms_router.post(
    "",
    summary="The direct-message room between me and another user (created on first use)",
    responses=error_responses(401, 404, 409, 422),
)
async def direct_room(
    data: MemberInvite, user_id: CurrentUserId, db: DbDep, cache: MembershipCacheDep
) -> RoomPublic:
    other_id = parse_object_id(data.user_id)
    assert other_id is not None  # ObjectIdStr has checked it
    access = await rooms.get_or_create_direct_room(
        db=db, cache=cache, user_id=user_id, other_id=other_id
    )
    return await _room_public(db, access, user_id)
