"""Favourites: one document per (article, user), unique per pair. Counts are counted, not
stored: a stored counter needs a second write that a crash or a race can lose, while the
unique index alone makes concurrent favourites exact (fifty users, fifty documents; one user
twice, one document)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bson import ObjectId
from pymongo.errors import DuplicateKeyError

from backend_shared.clock import utcnow
from backend_shared.db import Database
from blog_api.services.collections import FAVORITES


async def add(*, db: Database, article_id: ObjectId, user_id: ObjectId) -> bool:
    """Favourite the article; False when it already was (nothing changed)."""
    try:
        await db[FAVORITES].insert_one(
            {"article_id": article_id, "user_id": user_id, "created_at": utcnow()}
        )
    except DuplicateKeyError:
        return False
    return True


async def remove(*, db: Database, article_id: ObjectId, user_id: ObjectId) -> bool:
    """Unfavourite the article; False when it was not favourited."""
    result = await db[FAVORITES].delete_one({"article_id": article_id, "user_id": user_id})
    return result.deleted_count > 0


async def counts(*, db: Database, article_ids: Iterable[ObjectId]) -> dict[ObjectId, int]:
    """How many users favourited each article, for any number of articles in one query."""
    pipeline: list[dict[str, Any]] = [
        {"$match": {"article_id": {"$in": list(article_ids)}}},
        {"$group": {"_id": "$article_id", "count": {"$sum": 1}}},
    ]
    cursor = await db[FAVORITES].aggregate(pipeline)
    return {row["_id"]: row["count"] for row in await cursor.to_list(None)}


async def favorited_by(
    *, db: Database, user_id: ObjectId | None, article_ids: Iterable[ObjectId]
) -> set[ObjectId]:
    """Which of the articles the user favourited, in one query (none for anonymous readers)."""
    if user_id is None:
        return set()
    rows = (
        await db[FAVORITES]
        .find({"user_id": user_id, "article_id": {"$in": list(article_ids)}}, {"article_id": 1})
        .to_list(None)
    )
    return {row["article_id"] for row in rows}


async def article_ids_favorited_by(*, db: Database, user_id: ObjectId) -> list[ObjectId]:
    rows = await db[FAVORITES].find({"user_id": user_id}, {"article_id": 1}).to_list(None)
    return [row["article_id"] for row in rows]


async def remove_all(*, db: Database, article_id: ObjectId) -> None:
    await db[FAVORITES].delete_many({"article_id": article_id})
