"""Comments on an article. Ids are small integers, as RealWorld clients expect, taken from an
atomic counter (`$inc` on one document), so concurrent comments never share an id."""

from __future__ import annotations

from typing import Any

from bson import ObjectId
from pymongo import ReturnDocument

from backend_shared.clock import utcnow
from backend_shared.db import Database
from backend_shared.errors import Forbidden, NotFound
from blog_api.errors import FORBIDDEN, NOT_FOUND
from blog_api.models.comments import Comment, NewComment
from blog_api.services.collections import COMMENTS, COUNTERS
from blog_api.services.profiles import profiles_for


async def _next_comment_id(db: Database) -> int:
    counter = await db[COUNTERS].find_one_and_update(
        {"_id": COMMENTS},
        {"$inc": {"seq": 1}},
        upsert=True,
        return_document=ReturnDocument.AFTER,
    )
    assert counter is not None  # upsert with AFTER always returns the document
    seq: int = counter["seq"]
    return seq


async def _views(
    *, db: Database, docs: list[dict[str, Any]], viewer_id: ObjectId | None
) -> list[Comment]:
    authors = await profiles_for(
        db=db, user_ids=(doc.get("author_id") for doc in docs), viewer_id=viewer_id
    )
    return [
        Comment.model_validate({**doc, "id": doc["_id"], "author": authors[doc.get("author_id")]})
        for doc in docs
    ]


async def add_comment(
    *, db: Database, article: dict[str, Any], author_id: ObjectId, data: NewComment
) -> Comment:
    now = utcnow()
    doc: dict[str, Any] = {
        "_id": await _next_comment_id(db),
        "article_id": article["_id"],
        "author_id": author_id,
        "body": data.body,
        "created_at": now,
        "updated_at": now,
    }
    await db[COMMENTS].insert_one(doc)
    [comment] = await _views(db=db, docs=[doc], viewer_id=author_id)
    return comment


async def list_comments(
    *, db: Database, article: dict[str, Any], viewer_id: ObjectId | None
) -> list[Comment]:
    """The article's comments, oldest first, as a conversation reads."""
    docs = await db[COMMENTS].find({"article_id": article["_id"]}).sort("_id", 1).to_list(None)
    return await _views(db=db, docs=docs, viewer_id=viewer_id)


async def delete_comment(
    *, db: Database, article: dict[str, Any], comment_id: int, user_id: ObjectId
) -> None:
    """Only a comment's author may delete it."""
    comment = await db[COMMENTS].find_one({"_id": comment_id, "article_id": article["_id"]})
    if comment is None:
        raise NotFound(NOT_FOUND, field="comment")
    if comment.get("author_id") != user_id:
        raise Forbidden(FORBIDDEN, field="comment")
    await db[COMMENTS].delete_one({"_id": comment_id, "author_id": user_id})
