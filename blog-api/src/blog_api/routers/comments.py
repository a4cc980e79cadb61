"""Comments on an article: anyone may read them, a signed-in user adds them, and only a
comment's author deletes it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, status

from backend_shared.deps import DbDep
from backend_shared.ids import INT64_MAX
from blog_api.auth import CurrentUserId, TokenFirstRoute, ViewerId
from blog_api.dependencies import ArticleBySlug
from blog_api.errors import error_responses
from blog_api.models.comments import CommentEnvelope, CommentsEnvelope, NewCommentRequest
from blog_api.services import comments

router = APIRouter(
    prefix="/api/articles/{slug}/comments", tags=["Comments"], route_class=TokenFirstRoute
)

# Bounded to int64: a larger number cannot even be sent to MongoDB in a query.
CommentIdPath = Annotated[
    int, Path(ge=1, le=INT64_MAX, description="The comment's id", examples=[1])
]


@router.get(
    "",
    summary="An article's comments, oldest first",
    operation_id="GetArticleComments",
    responses=error_responses(401, 404, 422, invalid="slug"),
)
async def list_comments(article: ArticleBySlug, viewer_id: ViewerId, db: DbDep) -> CommentsEnvelope:
    found = await comments.list_comments(db=db, article=article, viewer_id=viewer_id)
    return CommentsEnvelope(comments=found)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Comment on an article",
    operation_id="CreateArticleComment",
    responses=error_responses(401, 404, 422, invalid="body"),
)
async def add_comment(
    body: NewCommentRequest, user_id: CurrentUserId, article: ArticleBySlug, db: DbDep
) -> CommentEnvelope:
    comment = await comments.add_comment(
        db=db, article=article, author_id=user_id, data=body.comment
    )
    return CommentEnvelope(comment=comment)


@router.delete(
    "/{comment_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete my comment",
    operation_id="DeleteArticleComment",
    responses=error_responses(401, 403, 404, 422, resource="comment", invalid="comment_id"),
)
async def delete_comment(
    comment_id: CommentIdPath, user_id: CurrentUserId, article: ArticleBySlug, db: DbDep
) -> None:
    await comments.delete_comment(db=db, article=article, comment_id=comment_id, user_id=user_id)
