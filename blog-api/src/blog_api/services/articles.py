"""Writing articles: create, read one, update, delete, favourite. Slugs come from titles and
are kept unique by the unique index: a taken slug gets a random suffix and is tried again.
Only the writes: who must hear of them (the cache) is `blog_api.flows`'."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from bson import ObjectId
from pymongo.errors import DuplicateKeyError
from slugify import slugify

from backend_shared.clock import utcnow
from backend_shared.db import Database
from backend_shared.errors import Conflict, Forbidden, NotFound
from blog_api.errors import FORBIDDEN, NOT_FOUND, TAKEN
from blog_api.models.articles import Article, NewArticle, UpdateArticle
from blog_api.services import favorites
from blog_api.services.collections import ARTICLES, COMMENTS
from blog_api.services.listing import article_views

SLUG_ATTEMPTS = 5


def _slug_base(title: str) -> str:
    return slugify(title, max_length=80, word_boundary=True) or "article"


async def _with_unique_slug(title: str, write: Callable[[str], Awaitable[None]]) -> str:
    """Call `write(slug)` with the title's slug, then suffixed ones while it is taken."""
    base = _slug_base(title)
    for attempt in range(SLUG_ATTEMPTS):
        slug = base if attempt == 0 else f"{base}-{secrets.token_hex(3)}"
        try:
            await write(slug)
        except DuplicateKeyError:
            continue
        return slug
    raise Conflict(TAKEN, field="slug")


def _not_found() -> NotFound:
    return NotFound(NOT_FOUND, field="article")


async def get_article(*, db: Database, slug: str) -> dict[str, Any]:
    article = await db[ARTICLES].find_one({"slug": slug})
    if article is None:
        raise _not_found()
    return article


def check_author(*, article: dict[str, Any], user_id: ObjectId) -> None:
    """Only an article's author may change or delete it."""
    if article.get("author_id") != user_id:
        raise Forbidden(FORBIDDEN, field="article")


async def present(*, db: Database, article: dict[str, Any], viewer_id: ObjectId | None) -> Article:
    [view] = await article_views(db=db, docs=[article], viewer_id=viewer_id, view=Article)
    return view


async def read_article(*, db: Database, slug: str, viewer_id: ObjectId | None) -> Article:
    return await present(db=db, article=await get_article(db=db, slug=slug), viewer_id=viewer_id)


async def create_article(*, db: Database, author_id: ObjectId, data: NewArticle) -> Article:
    now = utcnow()
    doc: dict[str, Any] = {
        "title": data.title,
        "description": data.description,
        "body": data.body,
        "tag_list": data.tag_list,
        "author_id": author_id,
        "created_at": now,
        "updated_at": now,
    }

    async def insert(slug: str) -> None:
        doc["slug"] = slug
        await db[ARTICLES].insert_one(doc)  # sets doc["_id"]

    await _with_unique_slug(data.title, insert)
    return await present(db=db, article=doc, viewer_id=author_id)


async def update_article(*, db: Database, article: dict[str, Any], data: UpdateArticle) -> Article:
    changes = data.model_dump(exclude_unset=True)
    author_id = article["author_id"]
    if not changes:
        return await present(db=db, article=article, viewer_id=author_id)
    # Strictly later than before, so a client comparing timestamps always sees the edit.
    changes["updated_at"] = max(utcnow(), article["updated_at"] + timedelta(milliseconds=1))

    async def write(slug: str) -> None:
        result = await db[ARTICLES].update_one(
            {"_id": article["_id"]}, {"$set": {**changes, "slug": slug}}
        )
        if result.matched_count == 0:  # deleted between the read and this write
            raise _not_found()

    slug = article["slug"]
    if "title" in changes and _slug_base(changes["title"]) != _slug_base(article["title"]):
        slug = await _with_unique_slug(changes["title"], write)
    else:
        await write(slug)
    updated = {**article, **changes, "slug": slug}
    return await present(db=db, article=updated, viewer_id=author_id)


async def delete_article(*, db: Database, article: dict[str, Any]) -> None:
    await db[ARTICLES].delete_one({"_id": article["_id"]})
    # No transactions: the article goes first, so a crash here leaves only orphans that no
    # query can reach (comments and favourites are always read through their article).
    await db[COMMENTS].delete_many({"article_id": article["_id"]})
    await favorites.remove_all(db=db, article_id=article["_id"])


async def favorite_article(*, db: Database, article: dict[str, Any], user_id: ObjectId) -> Article:
    """Favouriting twice is one favourite."""
    await favorites.add(db=db, article_id=article["_id"], user_id=user_id)
    return await present(db=db, article=article, viewer_id=user_id)


async def unfavorite_article(
    *, db: Database, article: dict[str, Any], user_id: ObjectId
) -> Article:
    await favorites.remove(db=db, article_id=article["_id"], user_id=user_id)
    return await present(db=db, article=article, viewer_id=user_id)


async def slugs_by_author(*, db: Database, author_id: ObjectId) -> list[str]:
    authored = await db[ARTICLES].find({"author_id": author_id}, {"slug": 1}).to_list(None)
    return [doc["slug"] for doc in authored]
