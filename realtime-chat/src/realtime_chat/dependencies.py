"""realtime-chat's dependencies: the room the path names, checked once against the caller
(visible, member, owner), and the live side's helpers the routes notify."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request

from backend_shared.accounts.dependencies import CurrentUserId
from backend_shared.deps import DbDep, settings_dependency
from backend_shared.errors import Forbidden
from realtime_chat.config import Settings
from realtime_chat.realtime.broadcast import Broadcaster
from realtime_chat.realtime.guards import FloodControl
from realtime_chat.realtime.presence import Presence
from realtime_chat.services import rooms
from realtime_chat.services.membership_cache import MembershipCache

RoomIdPath = Annotated[
    str, Path(description="The room's id", examples=["665f1c2ab1e4c2a1d3f0e9b7"])
]


async def visible_room(room_id: RoomIdPath, user_id: CurrentUserId, db: DbDep) -> rooms.RoomAccess:
    """A public room, or a private one I belong to; anything else is 404."""
    return await rooms.get_visible_room(db=db, user_id=user_id, room_id=room_id)


VisibleRoom = Annotated[rooms.RoomAccess, Depends(visible_room)]


async def member_room(access: VisibleRoom) -> rooms.RoomAccess:
    if access.membership is None:
        raise Forbidden("Join the room first")
    return access


MemberRoom = Annotated[rooms.RoomAccess, Depends(member_room)]


get_settings_of_app = settings_dependency(Settings)


def get_membership_cache(request: Request) -> MembershipCache:
    cache: MembershipCache = request.app.state.members
    return cache


def get_broadcaster(request: Request) -> Broadcaster:
    broadcaster: Broadcaster = request.app.state.chat.broadcast
    return broadcaster


def get_presence(request: Request) -> Presence:
    presence: Presence = request.app.state.chat.backends.presence
    return presence


async def flood_checked(user_id: CurrentUserId, request: Request) -> None:
    """An edit or a delete reaches the whole room, so it counts against the sender's flood
    limit like a new message."""
    flood: FloodControl = request.app.state.chat.backends.flood
    await flood.consume(str(user_id))


SettingsDep = Annotated[Settings, Depends(get_settings_of_app)]
MembershipCacheDep = Annotated[MembershipCache, Depends(get_membership_cache)]
BroadcasterDep = Annotated[Broadcaster, Depends(get_broadcaster)]
PresenceDep = Annotated[Presence, Depends(get_presence)]
FloodChecked = Depends(flood_checked)
