"""Profiles: anyone may look; a signed-in user follows and unfollows."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from backend_shared.deps import DbDep
from blog_api.auth import CurrentUserId, TokenFirstRoute, ViewerId
from blog_api.errors import error_responses
from blog_api.models.users import ProfileEnvelope
from blog_api.services import profiles

router = APIRouter(prefix="/api/profiles", tags=["Profile"], route_class=TokenFirstRoute)

UsernamePath = Annotated[str, Path(description="The user's username", examples=["jake"])]


@router.get(
    "/{username}",
    summary="A profile",
    description="`following` says whether the signed-in reader follows them (false when "
    "anonymous).",
    operation_id="GetProfileByUsername",
    responses=error_responses(401, 404, 422, resource="profile", invalid="username"),
)
async def read_profile(username: UsernamePath, viewer_id: ViewerId, db: DbDep) -> ProfileEnvelope:
    profile = await profiles.get_profile(db=db, username=username, viewer_id=viewer_id)
    return ProfileEnvelope(profile=profile)


@router.post(
    "/{username}/follow",
    summary="Follow a user",
    description="Following someone already followed changes nothing.",
    operation_id="FollowUserByUsername",
    responses=error_responses(401, 404, 422, resource="profile", invalid="profile"),
)
async def follow(username: UsernamePath, user_id: CurrentUserId, db: DbDep) -> ProfileEnvelope:
    profile = await profiles.follow(db=db, follower_id=user_id, username=username)
    return ProfileEnvelope(profile=profile)


@router.delete(
    "/{username}/follow",
    summary="Unfollow a user",
    operation_id="UnfollowUserByUsername",
    responses=error_responses(401, 404, 422, resource="profile", invalid="username"),
)
async def unfollow(username: UsernamePath, user_id: CurrentUserId, db: DbDep) -> ProfileEnvelope:
    profile = await profiles.unfollow(db=db, follower_id=user_id, username=username)
    return ProfileEnvelope(profile=profile)
