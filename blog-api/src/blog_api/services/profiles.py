"""Profiles and follows. A follow is one document per edge, unique per pair, so following
twice is one follow; `profiles_for` turns any number of user ids into profiles in two
queries, whoever is asking (the batch every list uses instead of a query per row).

An id with no user behind it (an article or comment whose author is gone, or was never
there) gets the `DELETED_AUTHOR` placeholder rather than failing the whole page: one bad
document must not break a read for everyone. The placeholder's username cannot be a real
one (usernames never contain brackets), so it links to no one's profile."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from contextlib import suppress
from typing import Any

from bson import ObjectId
from pymongo.errors import DuplicateKeyError

from backend_shared.clock import utcnow
from backend_shared.db import Database
from backend_shared.errors import Unprocessable
from blog_api.models.users import Profile
from blog_api.services.collections import FOLLOWS, USERS
from blog_api.services.users import PUBLIC_FIELDS, get_by_username

logger = logging.getLogger("blog_api.profiles")

DELETED_AUTHOR = Profile(username="[deleted]", bio=None, image=None, following=False)


async def followed_ids(
    *, db: Database, follower_id: ObjectId | None, user_ids: Iterable[ObjectId]
) -> set[ObjectId]:
    """Which of `user_ids` the follower follows, in one query (none for anonymous readers)."""
    if follower_id is None:
        return set()
    edges = (
        await db[FOLLOWS]
        .find(
            {"follower_id": follower_id, "followee_id": {"$in": list(user_ids)}},
            {"followee_id": 1},
        )
        .to_list(None)
    )
    return {edge["followee_id"] for edge in edges}


async def profiles_for(
    *, db: Database, user_ids: Iterable[ObjectId | None], viewer_id: ObjectId | None
) -> dict[ObjectId | None, Profile]:
    """Each user's profile as `viewer_id` sees it: one query for the users, one for follows.
    Every id asked for has an entry: `DELETED_AUTHOR` for one with no user."""
    wanted = set(user_ids)
    known = [user_id for user_id in wanted if user_id is not None]
    projection = dict.fromkeys(PUBLIC_FIELDS, 1)
    users = await db[USERS].find({"_id": {"$in": known}}, projection).to_list(None)
    following = await followed_ids(db=db, follower_id=viewer_id, user_ids=known)
    profiles: dict[ObjectId | None, Profile] = {
        user["_id"]: Profile.from_doc(user, following=user["_id"] in following) for user in users
    }
    missing = [user_id for user_id in wanted if user_id not in profiles]
    if missing:
        logger.warning("authors with no user, shown as deleted: %s", missing)
    return {**dict.fromkeys(missing, DELETED_AUTHOR), **profiles}


async def get_profile(*, db: Database, username: str, viewer_id: ObjectId | None) -> Profile:
    user = await get_by_username(db=db, username=username)
    following = await followed_ids(db=db, follower_id=viewer_id, user_ids=[user["_id"]])
    return Profile.from_doc(user, following=bool(following))


async def follow(*, db: Database, follower_id: ObjectId, username: str) -> Profile:
    user = await get_by_username(db=db, username=username)
    if user["_id"] == follower_id:
        raise Unprocessable("can't follow yourself", field="profile")
    edge: dict[str, Any] = {
        "follower_id": follower_id,
        "followee_id": user["_id"],
        "created_at": utcnow(),
    }
    # Already following: the unique index makes the second follow a no-op.
    with suppress(DuplicateKeyError):
        await db[FOLLOWS].insert_one(edge)
    return Profile.from_doc(user, following=True)


async def unfollow(*, db: Database, follower_id: ObjectId, username: str) -> Profile:
    user = await get_by_username(db=db, username=username)
    await db[FOLLOWS].delete_one({"follower_id": follower_id, "followee_id": user["_id"]})
    return Profile.from_doc(user, following=False)
