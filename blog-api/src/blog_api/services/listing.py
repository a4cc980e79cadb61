"""Reading articles at scale: the global list with its filters, the feed, and the tags.

However many articles a page holds, it costs the same few queries: the count and the page
(together), then the authors, the favourite counts and the reader's favourites (together).
`article_views` is that batch, and single-article reads use it too, so there is one way to
turn stored articles into what readers see."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any, TypeVar

from bson import ObjectId

from backend_shared.db import Database
from backend_shared.pagination import PageParams
from blog_api.models.articles import ArticleFilters, ArticlesPage, ArticleSummary, TagsEnvelope
from blog_api.services import favorites, profiles, users
from blog_api.services.collections import ARTICLES, FOLLOWS, NEWEST_FIRST

View = TypeVar("View", bound=ArticleSummary)


async def article_views(
    *,
    db: Database,
    docs: Sequence[dict[str, Any]],
    viewer_id: ObjectId | None,
    view: type[View],
) -> list[View]:
    """`docs` as `viewer_id` sees them, in three concurrent queries for any number of docs."""
    article_ids = [doc["_id"] for doc in docs]
    authors, favorite_counts, favorited = await asyncio.gather(
        profiles.profiles_for(
            db=db, user_ids=(doc.get("author_id") for doc in docs), viewer_id=viewer_id
        ),
        favorites.counts(db=db, article_ids=article_ids),
        favorites.favorited_by(db=db, user_id=viewer_id, article_ids=article_ids),
    )
    return [
        # A summary ignores `body` (list pages do not even load it); an Article requires it.
        view.model_validate(
            {
                **doc,
                "favorited": doc["_id"] in favorited,
                "favorites_count": favorite_counts.get(doc["_id"], 0),
                "author": authors[doc.get("author_id")],
            }
        )
        for doc in docs
    ]


async def _page(
    *, db: Database, query: dict[str, Any], page: PageParams, viewer_id: ObjectId | None
) -> ArticlesPage:
    cursor = (
        db[ARTICLES].find(query, {"body": 0}).sort(NEWEST_FIRST).skip(page.offset).limit(page.limit)
    )
    total, docs = await asyncio.gather(
        db[ARTICLES].count_documents(query), cursor.to_list(page.limit)
    )
    articles = await article_views(db=db, docs=docs, viewer_id=viewer_id, view=ArticleSummary)
    return ArticlesPage(articles=articles, articles_count=total)


async def _filter_query(*, db: Database, filters: ArticleFilters) -> dict[str, Any] | None:
    """The query for the filters, or None when nothing can match (an unknown username)."""
    query: dict[str, Any] = {}
    if filters.tag is not None:
        query["tag_list"] = filters.tag
    if filters.author is not None:
        author = await users.find_by_username(db=db, username=filters.author)
        if author is None:
            return None
        query["author_id"] = author["_id"]
    if filters.favorited is not None:
        fan = await users.find_by_username(db=db, username=filters.favorited)
        if fan is None:
            return None
        liked = await favorites.article_ids_favorited_by(db=db, user_id=fan["_id"])
        query["_id"] = {"$in": liked}
    return query


async def list_articles(
    *, db: Database, filters: ArticleFilters, page: PageParams, viewer_id: ObjectId | None
) -> ArticlesPage:
    query = await _filter_query(db=db, filters=filters)
    if query is None:
        return ArticlesPage(articles=[], articles_count=0)
    return await _page(db=db, query=query, page=page, viewer_id=viewer_id)


async def feed(*, db: Database, page: PageParams, reader_id: ObjectId) -> ArticlesPage:
    """The articles of the authors `reader_id` follows, newest first."""
    edges = await db[FOLLOWS].find({"follower_id": reader_id}, {"followee_id": 1}).to_list(None)
    query = {"author_id": {"$in": [edge["followee_id"] for edge in edges]}}
    return await _page(db=db, query=query, page=page, viewer_id=reader_id)


async def list_tags(*, db: Database) -> TagsEnvelope:
    """Every tag in use, the most used first."""
    pipeline: list[dict[str, Any]] = [
        {"$unwind": "$tag_list"},
        {"$group": {"_id": "$tag_list", "uses": {"$sum": 1}}},
        {"$sort": {"uses": -1, "_id": 1}},
    ]
    cursor = await db[ARTICLES].aggregate(pipeline)
    return TagsEnvelope(tags=[row["_id"] for row in await cursor.to_list(None)])
