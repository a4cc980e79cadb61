"""One bad document cannot break a read for everyone: an article or comment whose author has
no user document (put there directly, as an old bug once did) is shown by a deleted-user
placeholder, and every list around it still answers."""

from __future__ import annotations

from typing import Any

import httpx
from bson import ObjectId

from backend_shared.clock import utcnow
from backend_shared.state import service_state

from .utils import publish, register

DELETED_AUTHOR = {"username": "[deleted]", "bio": None, "image": None, "following": False}


async def test_an_article_and_a_comment_by_no_user_are_shown_with_a_placeholder_author(
    app: Any, client: httpx.AsyncClient
) -> None:
    jake, reader = await register(client, "jake"), await register(client, "reader")
    good = await publish(client, jake, title="A good one", tagList=["news"])
    now = utcnow()
    db = service_state(app).database
    await db["articles"].insert_one(
        {
            "slug": "orphan",
            "title": "An orphan",
            "description": "Its author is gone",
            "body": "Still here",
            "tag_list": ["news"],
            "author_id": ObjectId(),
            "created_at": now,
            "updated_at": now,
        }
    )
    await db["comments"].insert_one(
        {
            "_id": 10_000,
            "article_id": (await db["articles"].find_one({"slug": good["slug"]}))["_id"],
            "author_id": ObjectId(),
            "body": "A comment by nobody",
            "created_at": now,
            "updated_at": now,
        }
    )
    await client.post(f"/api/profiles/{jake.username}/follow", headers=reader.headers)

    for headers in ({}, reader.headers):
        listed = await client.get("/api/articles", headers=headers)
        assert listed.status_code == 200, listed.text
        authors = {a["slug"]: a["author"] for a in listed.json()["articles"]}
        assert authors["orphan"] == DELETED_AUTHOR
        assert authors[good["slug"]]["username"] == jake.username
        assert listed.json()["articlesCount"] == 2

        tagged = await client.get("/api/articles", params={"tag": "news"}, headers=headers)
        assert tagged.status_code == 200
        assert tagged.json()["articlesCount"] == 2

        orphan = await client.get("/api/articles/orphan", headers=headers)
        assert orphan.status_code == 200, orphan.text
        assert orphan.json()["article"]["author"] == DELETED_AUTHOR

        comments = await client.get(f"/api/articles/{good['slug']}/comments", headers=headers)
        assert comments.status_code == 200, comments.text
        assert [c["author"] for c in comments.json()["comments"]] == [DELETED_AUTHOR]

    # Nobody can open, or follow, the placeholder's profile: it names no user.
    assert (await client.get("/api/profiles/[deleted]")).status_code == 404
    feed = await client.get("/api/articles/feed", headers=reader.headers)
    assert feed.status_code == 200
    assert feed.json()["articlesCount"] == 1
    # The orphan's favourites still count, and the reader may still favourite it.
    favorite = await client.post("/api/articles/orphan/favorite", headers=reader.headers)
    assert favorite.status_code == 200, favorite.text
    assert favorite.json()["article"]["favoritesCount"] == 1
