"""Articles: what an author sends, what readers get (lists leave the body out), and the
list filters."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field

from backend_shared.models import QueryModel
from blog_api.models.base import RequestBody, ResponseBody
from blog_api.models.fields import (
    Body,
    BodyChange,
    Description,
    DescriptionChange,
    TagList,
    TagListChange,
    Timestamp,
    Title,
    TitleChange,
)
from blog_api.models.users import JAKE_PROFILE, Profile

_SUMMARY_EXAMPLE: dict[str, Any] = {
    "slug": "how-to-train-your-dragon",
    "title": "How to train your dragon",
    "description": "Ever wonder how?",
    "tagList": ["dragons", "training"],
    "createdAt": "2016-02-18T03:22:56.637Z",
    "updatedAt": "2016-02-18T03:48:35.824Z",
    "favorited": False,
    "favoritesCount": 0,
    "author": JAKE_PROFILE,
}


class NewArticle(RequestBody):
    title: Title
    description: Description
    body: Body
    tag_list: TagList = Field(default_factory=list)


class NewArticleRequest(RequestBody):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "article": {
                    "title": "How to train your dragon",
                    "description": "Ever wonder how?",
                    "body": "You have to believe",
                    "tagList": ["reactjs", "angularjs", "dragons"],
                }
            }
        }
    )

    article: NewArticle


class UpdateArticle(RequestBody):
    """Only the fields sent change; a new title gives the article a new slug, and
    `tagList: []` removes every tag."""

    title: TitleChange = None
    description: DescriptionChange = None
    body: BodyChange = None
    tag_list: TagListChange = None


class UpdateArticleRequest(RequestBody):
    model_config = ConfigDict(
        json_schema_extra={"example": {"article": {"title": "Did you train your dragon?"}}}
    )

    article: UpdateArticle


class ArticleSummary(ResponseBody):
    """An article as lists show it: everything but the body."""

    slug: str
    title: str
    description: str
    tag_list: list[str]
    created_at: Timestamp
    updated_at: Timestamp
    favorited: bool
    favorites_count: int
    author: Profile


class Article(ArticleSummary):
    body: str


class ArticleEnvelope(ResponseBody):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {"article": {**_SUMMARY_EXAMPLE, "body": "It takes a Jacobian"}}
        }
    )

    article: Article


class ArticlesPage(ResponseBody):
    """One page of articles, newest first, and how many match in all."""

    model_config = ConfigDict(
        json_schema_extra={"example": {"articles": [_SUMMARY_EXAMPLE], "articlesCount": 1}}
    )

    articles: list[ArticleSummary]
    articles_count: int


class ArticleFilters(QueryModel):
    """`GET /api/articles` filters; all of those given must match."""

    tag: str | None = Field(default=None, max_length=100, description="Has this tag")
    author: str | None = Field(default=None, max_length=100, description="Written by username")
    favorited: str | None = Field(
        default=None, max_length=100, description="Favourited by username"
    )


class TagsEnvelope(ResponseBody):
    model_config = ConfigDict(json_schema_extra={"example": {"tags": ["reactjs", "angularjs"]}})

    tags: list[str]
