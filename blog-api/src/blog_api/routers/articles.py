"""Articles: the lists (global, filtered, the feed), and each article by its slug.
Anonymous lists and articles are served through the cache (see `X-Cache`)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Response, status

from backend_shared.deps import DbDep
from backend_shared.pagination import PageDep
from blog_api import flows
from blog_api.auth import CurrentUserId, TokenFirstRoute, ViewerId
from blog_api.dependencies import AuthoredArticle, CacheDep, SlugPath
from blog_api.errors import error_responses
from blog_api.models.articles import (
    ArticleEnvelope,
    ArticleFilters,
    ArticlesPage,
    NewArticleRequest,
    UpdateArticleRequest,
)
from blog_api.responses import cacheable_json
from blog_api.services import articles, listing
from blog_api.services.cache import ARTICLE_LISTS, article_scope

router = APIRouter(prefix="/api/articles", tags=["Articles"], route_class=TokenFirstRoute)

_CACHED = "Anonymous requests are cached; `X-Cache` says HIT or MISS."


@router.get(
    "",
    response_model=ArticlesPage,
    summary="Recent articles, optionally filtered",
    description="Newest first; `articlesCount` counts every match, before `limit` and "
    f"`offset`. Items leave out `body`. {_CACHED}",
    operation_id="GetArticles",
    responses=error_responses(401, 422, invalid="limit"),
)
async def list_articles(
    filters: Annotated[ArticleFilters, Query()],
    page: PageDep,
    viewer_id: ViewerId,
    db: DbDep,
    cache: CacheDep,
) -> Response:
    async def load() -> ArticlesPage:
        return await listing.list_articles(db=db, filters=filters, page=page, viewer_id=viewer_id)

    query = {**filters.model_dump(exclude_none=True), **page.model_dump()}
    return await cacheable_json(
        cache=cache,
        scope=ARTICLE_LISTS,
        variant=urlencode(sorted(query.items())),
        viewer_id=viewer_id,
        load=load,
    )


@router.get(
    "/feed",
    summary="Recent articles by the authors I follow",
    operation_id="GetArticlesFeed",
    responses=error_responses(401, 422, invalid="limit"),
)
async def read_feed(page: PageDep, user_id: CurrentUserId, db: DbDep) -> ArticlesPage:
    return await listing.feed(db=db, page=page, reader_id=user_id)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Write an article",
    description="The slug comes from the title; a title already used gets a suffix.",
    operation_id="CreateArticle",
    responses=error_responses(401, 422),
)
async def create_article(
    body: NewArticleRequest, user_id: CurrentUserId, db: DbDep, cache: CacheDep
) -> ArticleEnvelope:
    article = await articles.create_article(db=db, author_id=user_id, data=body.article)
    await flows.article_published(cache=cache, article=article)
    return ArticleEnvelope(article=article)


@router.get(
    "/{slug}",
    response_model=ArticleEnvelope,
    summary="An article",
    description=_CACHED,
    operation_id="GetArticle",
    responses=error_responses(401, 404, 422, invalid="slug"),
)
async def read_article(slug: SlugPath, viewer_id: ViewerId, db: DbDep, cache: CacheDep) -> Response:
    async def load() -> ArticleEnvelope:
        article = await articles.read_article(db=db, slug=slug, viewer_id=viewer_id)
        return ArticleEnvelope(article=article)

    return await cacheable_json(
        cache=cache, scope=article_scope(slug), variant="", viewer_id=viewer_id, load=load
    )


@router.put(
    "/{slug}",
    summary="Change my article",
    description="Only the fields sent change. A new title gives a new slug; `tagList: []` "
    "removes every tag.",
    operation_id="UpdateArticle",
    responses=error_responses(401, 403, 404, 422),
)
async def update_article(
    body: UpdateArticleRequest, article: AuthoredArticle, db: DbDep, cache: CacheDep
) -> ArticleEnvelope:
    updated = await articles.update_article(db=db, article=article, data=body.article)
    await flows.article_edited(cache=cache, before=article, after=updated)
    return ArticleEnvelope(article=updated)


@router.delete(
    "/{slug}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete my article (with its comments and favourites)",
    operation_id="DeleteArticle",
    responses=error_responses(401, 403, 404, 422, invalid="slug"),
)
async def delete_article(article: AuthoredArticle, db: DbDep, cache: CacheDep) -> None:
    await articles.delete_article(db=db, article=article)
    await flows.article_deleted(cache=cache, article=article)
