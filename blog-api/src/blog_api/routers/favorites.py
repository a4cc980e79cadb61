"""Favouriting an article, and taking the favourite back."""

from __future__ import annotations

from fastapi import APIRouter

from backend_shared.deps import DbDep
from blog_api import flows
from blog_api.auth import CurrentUserId, TokenFirstRoute
from blog_api.dependencies import ArticleBySlug, CacheDep
from blog_api.errors import error_responses
from blog_api.models.articles import ArticleEnvelope
from blog_api.services import articles

router = APIRouter(
    prefix="/api/articles/{slug}/favorite", tags=["Favorites"], route_class=TokenFirstRoute
)


@router.post(
    "",
    summary="Favourite an article",
    description="Favouriting twice counts once.",
    operation_id="CreateArticleFavorite",
    responses=error_responses(401, 404, 422, invalid="slug"),
)
async def favorite(
    user_id: CurrentUserId, article: ArticleBySlug, db: DbDep, cache: CacheDep
) -> ArticleEnvelope:
    favorited = await articles.favorite_article(db=db, article=article, user_id=user_id)
    await flows.favorites_changed(cache=cache, article=favorited)
    return ArticleEnvelope(article=favorited)


@router.delete(
    "",
    summary="Unfavourite an article",
    operation_id="DeleteArticleFavorite",
    responses=error_responses(401, 404, 422, invalid="slug"),
)
async def unfavorite(
    user_id: CurrentUserId, article: ArticleBySlug, db: DbDep, cache: CacheDep
) -> ArticleEnvelope:
    unfavorited = await articles.unfavorite_article(db=db, article=article, user_id=user_id)
    await flows.favorites_changed(cache=cache, article=unfavorited)
    return ArticleEnvelope(article=unfavorited)
