"""Comments on an article: the body in, the comment with its author out."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict

from blog_api.models.base import RequestBody, ResponseBody
from blog_api.models.fields import Body, Timestamp
from blog_api.models.users import JAKE_PROFILE, Profile

_COMMENT_EXAMPLE: dict[str, Any] = {
    "id": 1,
    "createdAt": "2016-02-18T03:22:56.637Z",
    "updatedAt": "2016-02-18T03:22:56.637Z",
    "body": "It takes a Jacobian",
    "author": JAKE_PROFILE,
}


class NewComment(RequestBody):
    body: Body


class NewCommentRequest(RequestBody):
    model_config = ConfigDict(
        json_schema_extra={"example": {"comment": {"body": "His name was my name too."}}}
    )

    comment: NewComment


class Comment(ResponseBody):
    id: int
    created_at: Timestamp
    updated_at: Timestamp
    body: str
    author: Profile


class CommentEnvelope(ResponseBody):
    model_config = ConfigDict(json_schema_extra={"example": {"comment": _COMMENT_EXAMPLE}})

    comment: Comment


class CommentsEnvelope(ResponseBody):
    model_config = ConfigDict(json_schema_extra={"example": {"comments": [_COMMENT_EXAMPLE]}})

    comments: list[Comment]
