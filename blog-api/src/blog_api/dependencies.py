"""blog-api's dependencies: the article a path names, its author check (in one place, for
every route that changes an article), the settings and the response cache. The signed-in
user is `blog_api.auth`'s."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Path, Request

from backend_shared.deps import DbDep, settings_dependency
from blog_api.auth import CurrentUserId
from blog_api.config import Settings
from blog_api.services import articles
from blog_api.services.cache import ResponseCache

SlugPath = Annotated[
    str, Path(description="The article's slug", examples=["how-to-train-your-dragon"])
]


async def response_cache(request: Request) -> ResponseCache:
    # blog-api's own piece of app state (the shared `ServiceState` holds only what every
    # service may open), put there by `main.open_cache`.
    cache: ResponseCache = request.app.state.cache
    return cache


SettingsDep = Annotated[Settings, Depends(settings_dependency(Settings))]
CacheDep = Annotated[ResponseCache, Depends(response_cache)]


async def valid_article(slug: SlugPath, db: DbDep) -> dict[str, Any]:
    return await articles.get_article(db=db, slug=slug)


ArticleBySlug = Annotated[dict[str, Any], Depends(valid_article)]


async def valid_authored_article(user_id: CurrentUserId, article: ArticleBySlug) -> dict[str, Any]:
    # The user comes first: without a token the answer is 401, whether or not the slug exists.
    articles.check_author(article=article, user_id=user_id)
    return article


AuthoredArticle = Annotated[dict[str, Any], Depends(valid_authored_article)]
