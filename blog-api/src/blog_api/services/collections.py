"""The collections and the indexes their queries need, in one place: the data model at a
glance. Relationships are references (ids), each in the collection that owns them; see
docs/learning/modelling-relationships.md for why nothing here is embedded."""

from __future__ import annotations

from pymongo import ASCENDING, DESCENDING

from backend_shared.db import Database

USERS = "users"
FOLLOWS = "follows"  # {follower_id, followee_id}: one document per edge
ARTICLES = "articles"
FAVORITES = "favorites"  # {article_id, user_id}: one document per favourite
COMMENTS = "comments"  # _id is an integer from COUNTERS
COUNTERS = "counters"

# Newest first, ties broken by id, so pages never overlap or skip.
NEWEST_FIRST = [("created_at", DESCENDING), ("_id", DESCENDING)]


async def ensure_indexes(db: Database) -> None:
    # Lookups by username and email; uniqueness regardless of case.
    await db[USERS].create_index([("username_folded", ASCENDING)], unique=True)
    await db[USERS].create_index([("email_folded", ASCENDING)], unique=True)
    # One edge per pair (following twice is one follow); the feed reads a follower's edges.
    await db[FOLLOWS].create_index(
        [("follower_id", ASCENDING), ("followee_id", ASCENDING)], unique=True
    )
    await db[ARTICLES].create_index([("slug", ASCENDING)], unique=True)
    # The global list, and the lists filtered by author (and the feed) or by tag.
    await db[ARTICLES].create_index(NEWEST_FIRST)
    await db[ARTICLES].create_index([("author_id", ASCENDING), *NEWEST_FIRST])
    await db[ARTICLES].create_index([("tag_list", ASCENDING), *NEWEST_FIRST])
    # One favourite per pair, which also serves counting an article's favourites; and
    # "articles favourited by" reads a user's favourites.
    await db[FAVORITES].create_index(
        [("article_id", ASCENDING), ("user_id", ASCENDING)], unique=True
    )
    await db[FAVORITES].create_index([("user_id", ASCENDING)])
    await db[COMMENTS].create_index([("article_id", ASCENDING), ("_id", ASCENDING)])
