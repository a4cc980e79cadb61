"""After a write, who else must know: blog-api's side effects, in one place.

A route calls one service function, which does the write and nothing else, then the flow
named after what happened. Today the only listener is the response cache (each flow bumps
the scopes whose cached reads the write changed, after the database has it, so the very
next read misses); a webhook or an event for another service belongs here too, never in a
service. A repeat that changed nothing (favouriting twice, an empty edit) still tells: one
version bump costs less than working out whether it was needed. Only an account change is
looked at first, since telling about it costs a query over the author's articles.
"""

from __future__ import annotations

from typing import Any

from backend_shared.db import Database
from blog_api.models.articles import Article
from blog_api.services import articles
from blog_api.services.cache import ARTICLE_LISTS, TAGS, ResponseCache, article_scope
from blog_api.services.users import PUBLIC_FIELDS


async def article_published(*, cache: ResponseCache, article: Article) -> None:
    await cache.invalidate(ARTICLE_LISTS, TAGS, article_scope(article.slug))


async def article_edited(*, cache: ResponseCache, before: dict[str, Any], after: Article) -> None:
    """A new title moves the article to a new slug: both addresses change."""
    await cache.invalidate(
        ARTICLE_LISTS, TAGS, article_scope(before["slug"]), article_scope(after.slug)
    )


async def article_deleted(*, cache: ResponseCache, article: dict[str, Any]) -> None:
    await cache.invalidate(ARTICLE_LISTS, TAGS, article_scope(article["slug"]))


async def favorites_changed(*, cache: ResponseCache, article: Article) -> None:
    """The count shows on the article and in every list."""
    await cache.invalidate(ARTICLE_LISTS, article_scope(article.slug))


async def account_updated(
    *, db: Database, cache: ResponseCache, before: dict[str, Any], after: dict[str, Any]
) -> None:
    """An author's name, bio and picture show on each of their articles; a new email or
    password shows nowhere that is cached."""
    if all(after.get(name) == before.get(name) for name in PUBLIC_FIELDS):
        return
    slugs = await articles.slugs_by_author(db=db, author_id=after["_id"])
    await cache.invalidate(ARTICLE_LISTS, *(article_scope(slug) for slug in slugs))
